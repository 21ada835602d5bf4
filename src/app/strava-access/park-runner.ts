import { parkRunnerRow, type StravaRefusal } from '../../db/repositories/strava-access.js';
import { scheduleSendJobs } from '../../email/outbox/schedule-send-job.js';
import type { AppDeps } from '../deps.js';
import { queueParkedEmail } from './parked-email.js';

/**
 * Parks a runner after Strava refused for good (docs/strava-quota.md): from
 * now on no call is made for them until they reconnect. One transaction:
 * `disconnected_at` stops every caller (the token store refuses to hand out a
 * token, the sweeper and reconciliation skip the runner), the due mark is
 * cleared so nothing loops, the reason is kept for the plan page and the
 * metrics, an unfinished history read shows as failed rather than "pending"
 * forever, and a verified runner gets one email saying what to do (unless
 * `notify: false`: nothing was asked of Strava, e.g. no tokens are stored). The first
 * reason recorded wins: a later, vaguer failure (the token store saying "not
 * connected") never hides why it started, and never sends a second email.
 * Returns false when the runner was already parked (or is gone).
 */
export async function parkRunner(
  deps: AppDeps,
  runnerId: string,
  refusal: StravaRefusal,
  options: { notify?: boolean } = {},
): Promise<boolean> {
  const now = deps.clock.now();
  const parked = await deps.db.transaction(async (tx) => {
    const row = await parkRunnerRow(tx, runnerId, refusal, now);
    if (!row) return null;
    if (options.notify === false) return { outboxId: null };
    return { outboxId: await queueParkedEmail(tx, row, refusal, now) };
  });
  if (!parked) return false;
  deps.metrics.stravaRefusals.inc({ reason: refusal });
  deps.logger.warn({ runnerId, refusal }, 'strava refused for good: runner parked until they reconnect');
  if (parked.outboxId !== null) await scheduleSendJobs(deps, [parked.outboxId]);
  return true;
}
