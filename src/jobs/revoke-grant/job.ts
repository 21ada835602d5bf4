import { z } from 'zod';
import type { AppDeps } from '../../app/deps.js';
import { reportEnqueueFailure } from '../../app/queue/report-enqueue-failure.js';
import { revokePendingGrant } from '../../app/revocation/revoke-pending-grant.js';
import { withDeadline } from '../../shared/deadline.js';
import { defineJob, enqueue, type JobSink } from '../definition.js';
import { scopedJobId } from '../job-ids.js';

export const ZRevokeGrantPayload = z.object({ revocationId: z.uuid(), attempt: z.number().int().positive() });
export type RevokeGrantPayload = z.infer<typeof ZRevokeGrantPayload>;

/**
 * One attempt at revoking a grant kept after its runner left
 * (docs/disconnect.md#revocation). The row in `strava_revocations` holds the
 * schedule; each attempt has its own job id (the next attempt is added while
 * this one is still active), and the revocation sweep re-adds due rows whose
 * job was lost. Payload: the row's random id and the attempt number, nothing
 * about the runner.
 */
export const revokeGrantJob = defineJob({
  queue: 'maintenance',
  name: 'revoke-strava-grant',
  schema: ZRevokeGrantPayload,
  options: ({ revocationId, attempt }) => ({
    jobId: `revoke-${revocationId}-${attempt}`,
    attempts: 1,
    removeOnComplete: true,
    removeOnFail: { age: 7 * 86_400 },
  }),
  async process({ revocationId }, { deps }) {
    const result = await revokePendingGrant(deps, revocationId);
    if (result.outcome === 'retry') {
      await deps.jobs.enqueueRevocation(revocationId, result.attempts + 1, result.nextAttemptAt);
      return {
        outcome: 'skipped',
        detail: `attempt ${result.attempts} failed; next at ${result.nextAttemptAt.toISOString()}`,
      };
    }
    return { outcome: result.outcome === 'revoked' ? 'done' : 'skipped', detail: result.outcome };
  },
});

/**
 * Adds the attempt, delayed until `at`. An attempt already waiting with a
 * longer delay (the clock said otherwise when it was added) is promoted when
 * due now. Never throws: a lost add is re-added by the revocation sweep (the
 * row is the record).
 */
export async function enqueueRevocation(
  deps: JobSink & Pick<AppDeps, 'logger' | 'health' | 'clock'>,
  revocationId: string,
  attempt: number,
  at: Date,
): Promise<void> {
  try {
    const delay = Math.max(0, at.getTime() - deps.clock.now().getTime());
    const payload = { revocationId, attempt };
    const delayed = {
      ...revokeGrantJob,
      options: (data: RevokeGrantPayload) => ({ ...revokeGrantJob.options(data), delay }),
    };
    await withDeadline(enqueue(deps, delayed, payload), 500, 'revocation enqueue');
    if (delay === 0) {
      const jobId = scopedJobId(deps.database, revokeGrantJob.options(payload).jobId as string);
      const existing = await deps.queues[revokeGrantJob.queue].getJob(jobId);
      if (existing && (await existing.isDelayed())) await existing.promote();
    }
  } catch (err) {
    reportEnqueueFailure(
      deps,
      err,
      { revocationId },
      'could not schedule a Strava revocation; the sweep will',
    );
  }
}
