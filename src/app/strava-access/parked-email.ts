import type { DbOrTx } from '../../db/client.js';
import { insertOutboxRow } from '../../db/repositories/email-outbox.js';
import type { StravaRefusal } from '../../db/repositories/strava-access.js';

/**
 * Queues the one email that tells a parked runner what to do (docs/strava-quota.md),
 * in the parking's own transaction. Keyed by the parking instant: a replay of the
 * same parking inserts nothing, a later parking (after a reconnect) sends again.
 * Only for a verified address; the sender re-checks everything at send time and
 * drops the email if the runner has reconnected meanwhile.
 */
export async function queueParkedEmail(
  tx: DbOrTx,
  runner: { id: string; emailVerifiedAt: Date | null },
  refusal: StravaRefusal,
  parkedAt: Date,
): Promise<number | null> {
  if (!runner.emailVerifiedAt) return null;
  return insertOutboxRow(tx, {
    runnerId: runner.id,
    template: 'strava_access',
    dedupeKey: `strava-access:${runner.id}:${parkedAt.getTime()}`,
    payload: { refusal },
    now: parkedAt,
  });
}
