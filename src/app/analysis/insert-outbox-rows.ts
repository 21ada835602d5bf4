import type { Tx } from '../../db/client.js';
import { queueEmail } from '../email/queue-email.js';
import type { PlannedEmail } from './plan-emails.js';

/**
 * Puts the emails a plan change calls for into the outbox, in the caller's
 * transaction (docs/email.md#outbox). Returns the ids of new rows (a replay
 * inserts none), for the caller to enqueue after commit.
 */
export async function insertOutboxRows(
  tx: Tx,
  runnerId: string,
  emails: readonly PlannedEmail[],
  now: Date,
): Promise<number[]> {
  const ids: number[] = [];
  for (const email of emails) {
    const id = await queueEmail(tx, { runnerId, ...email, now });
    if (id !== null) ids.push(id);
  }
  return ids;
}
