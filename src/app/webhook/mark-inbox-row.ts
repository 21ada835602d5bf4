import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { webhookInbox } from '../../db/schema/index.js';

/**
 * Finishes a row that is still `received`. The status guard makes a second,
 * concurrent run of the same job (a stalled lock, docs/reliability.md#stalled-jobs) a no-op, and the row
 * lock it takes serializes the two. Returns whether this call finished it.
 */
export async function finishInboxRow(
  db: DbOrTx,
  eventKey: string,
  status: 'done' | 'skipped',
  now: Date,
): Promise<boolean> {
  const rows = await db
    .update(webhookInbox)
    .set({ status, finishedAt: now, attempts: sql`${webhookInbox.attempts} + 1` })
    .where(and(eq(webhookInbox.eventKey, eventKey), eq(webhookInbox.status, 'received')))
    .returning({ id: webhookInbox.id });
  return rows.length > 0;
}

/** Counts a failed attempt; the final one marks the row `dead` (never re-enqueued by the sweeper). */
export async function recordInboxFailure(
  db: DbOrTx,
  eventKey: string,
  error: string,
  final: boolean,
  now: Date,
): Promise<void> {
  await db
    .update(webhookInbox)
    .set({
      attempts: sql`${webhookInbox.attempts} + 1`,
      lastError: error.slice(0, 500),
      ...(final ? { status: 'dead' as const, finishedAt: now } : {}),
    })
    .where(and(eq(webhookInbox.eventKey, eventKey), eq(webhookInbox.status, 'received')));
}
