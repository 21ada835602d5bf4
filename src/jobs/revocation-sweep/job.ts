import { z } from 'zod';
import { sweepRevocations } from '../../app/revocation/sweep-revocations.js';
import { defineJob } from '../definition.js';

export const REVOCATION_SWEEP_EVERY_MS = 5 * 60_000;

/** Re-adds due pending revocations whose job was lost (docs/disconnect.md#revocation). */
export const revocationSweepJob = defineJob({
  queue: 'maintenance',
  name: 'revocation-sweep',
  schema: z.object({}),
  options: () => ({ attempts: 1 }),
  async process(_data, { deps }) {
    const { requeued } = await sweepRevocations(deps);
    return { outcome: 'done', detail: `${requeued} re-enqueued` };
  },
});
