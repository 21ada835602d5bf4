import { z } from 'zod';
import { purgeInbox } from '../../app/webhook/purge-inbox.js';
import { defineJob } from '../definition.js';

export const INBOX_PURGE_EVERY_MS = 60 * 60_000;
/** Strava retries for minutes, not days: a week of finished rows is ample for deduplication and forensics. */
export const INBOX_RETENTION_MS = 7 * 24 * 60 * 60_000;

export const inboxPurgeJob = defineJob({
  queue: 'maintenance',
  name: 'inbox-purge',
  schema: z.object({}),
  options: () => ({ attempts: 3, backoff: { type: 'exponential', delay: 5_000 } }),
  async process(_data, { deps }) {
    const deleted = await purgeInbox(deps, {
      olderThanMs: INBOX_RETENTION_MS,
      batchSize: 5_000,
      maxBatches: 20,
    });
    return { outcome: 'done', detail: `${deleted} inbox rows deleted` };
  },
});
