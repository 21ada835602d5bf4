import { inArray, lt } from 'drizzle-orm';
import { webhookInbox } from '../../db/schema/index.js';
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
    const ids = deps.db
      .select({ id: webhookInbox.id })
      .from(webhookInbox)
      .where(lt(webhookInbox.finishedAt, cutoff))
      .limit(batchSize);
    const rows = await deps.db
      .delete(webhookInbox)
      .where(inArray(webhookInbox.id, ids))
      .returning({ id: webhookInbox.id });
    deleted += rows.length;
    if (rows.length < batchSize) break;
  }
  return deleted;
}
