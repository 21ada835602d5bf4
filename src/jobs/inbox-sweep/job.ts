import { z } from 'zod';
import { sweepInbox } from '../../app/webhook/sweep-inbox.js';
import { defineJob } from '../definition.js';

/** Every 30 s; work unfinished for 2 minutes is re-enqueued (docs/webhooks.md#sweeper). */
export const INBOX_SWEEP_EVERY_MS = 30_000;
export const INBOX_STALE_AFTER_MS = 2 * 60_000;

export const inboxSweepJob = defineJob({
  queue: 'maintenance',
  name: 'inbox-sweep',
  schema: z.object({}),
  // The next tick is 30 s away: retrying a failed sweep would only overlap it.
  options: () => ({ attempts: 1 }),
  async process(_data, { deps }) {
    const staleAfterMs = deps.config.sweepStaleAfterMs ?? INBOX_STALE_AFTER_MS;
    const result = await sweepInbox(deps, { staleAfterMs, limit: 500 });
    return {
      outcome: 'done',
      detail: `${result.eventsAdded}/${result.events} events, ${result.analysesAdded}/${result.analyses} analyses`,
    };
  },
});
