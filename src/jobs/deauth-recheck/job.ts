import { z } from 'zod';
import { deauthorizeRunner } from '../../app/deauthorize-runner.js';
import type { AppDeps } from '../../app/deps.js';
import { reportEnqueueFailure } from '../../app/queue/report-enqueue-failure.js';
import { DEAUTH_CHECK_INTERVAL_MS } from '../../app/strava-access/deauthorization-check.js';
import { withDeadline } from '../../shared/deadline.js';
import { defineJob, enqueue, type JobSink } from '../definition.js';

export const ZDeauthRecheckPayload = z.object({ runnerId: z.uuid() });

/**
 * A deauthorization claim that arrived while an earlier check's answer was
 * fresh cost nothing; it is checked once more when that answer expires
 * (docs/strava-quota.md), so a real revocation hidden in a burst of forged
 * claims still deletes the runner. One job per runner at a time (its id), so
 * any number of claims costs at most one check per runner per interval.
 */
export const deauthRecheckJob = defineJob({
  queue: 'maintenance',
  name: 'deauth-recheck',
  schema: ZDeauthRecheckPayload,
  options: ({ runnerId }) => ({
    jobId: `deauth-recheck-${runnerId}`,
    delay: DEAUTH_CHECK_INTERVAL_MS + 1_000,
    attempts: 5,
    backoff: { type: 'exponential', delay: 30_000, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 86_400 },
  }),
  async process({ runnerId }, { deps }) {
    const result = await deauthorizeRunner(deps, runnerId);
    // Another process checked meanwhile and its answer is fresh: look again after it.
    if (result === 'already_checked') await deps.jobs.scheduleDeauthRecheck(runnerId);
    // Deleted (or already gone): the record naming the runner goes at once (docs/disconnect.md).
    return {
      outcome: 'done',
      detail: `deauthorization ${result}`,
      forget: result === 'deleted' || result === 'gone',
    };
  },
});

/** Never throws: a lost recheck only delays the deletion until the next API call fails with 401. */
export async function scheduleDeauthRecheck(
  deps: JobSink & Pick<AppDeps, 'logger' | 'health'>,
  runnerId: string,
): Promise<void> {
  try {
    await withDeadline(enqueue(deps, deauthRecheckJob, { runnerId }), 300, 'deauth recheck enqueue');
  } catch (err) {
    reportEnqueueFailure(deps, err, { runnerId }, 'could not schedule deauth recheck');
  }
}
