import { deleteFinishedInboxBatch } from '../../db/repositories/webhook-inbox.js';
import type { AppDeps } from '../deps.js';

export type PurgeOptions = { olderThanMs: number; batchSize: number; maxBatches: number };

/**
 * Finished inbox rows only matter for deduplicating Strava's retries, which
 * stop within hours; after `olderThanMs` they go. Deleted in bounded batches so
 * one run never holds a long lock or a huge transaction; what is left over
 * goes next run.
 */
export async function purgeInbox(
  deps: AppDeps,
  { olderThanMs, batchSize, maxBatches }: PurgeOptions,
): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - olderThanMs);
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await deleteFinishedInboxBatch(deps.db, cutoff, batchSize);
    deleted += count;
    if (count < batchSize) break;
  }
  return deleted;
}
