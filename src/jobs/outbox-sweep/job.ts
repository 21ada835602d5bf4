import { z } from 'zod';
import { sweepOutbox } from '../../email/outbox/sweep-outbox.js';
import { defineJob } from '../definition.js';

/** Every minute: re-enqueues pending outbox rows that are due (see sweepOutbox). */
export const outboxSweepJob = defineJob({
  queue: 'maintenance',
  name: 'outbox-sweep',
  schema: z.object({}),
  options: () => ({ attempts: 1 }),
  async process(_data, { deps }) {
    const { requeued } = await sweepOutbox(deps, 200, deps.config.sweepStaleAfterMs);
    return { outcome: 'done', detail: `${requeued} re-enqueued` };
  },
});

export const OUTBOX_SWEEP_EVERY_MS = 60_000;
