import type { AppDeps } from '../../app/deps.js';
import { reportEnqueueFailure } from '../../app/queue/report-enqueue-failure.js';

/** Adds the send job for one outbox row (jobId `<lifetime>-email-<id>`: a second add while it exists is a no-op). */
export async function scheduleSendJob(deps: Pick<AppDeps, 'jobs'>, outboxId: number): Promise<void> {
  await deps.jobs.scheduleSendJob(outboxId);
}

/**
 * After-commit helper: a failed add (Redis down) is logged and otherwise
 * harmless, because the committed row is picked up by the outbox sweeper.
 */
export async function scheduleSendJobs(
  deps: Pick<AppDeps, 'jobs' | 'logger' | 'health'>,
  outboxIds: readonly number[],
): Promise<void> {
  for (const outboxId of outboxIds) {
    try {
      await scheduleSendJob(deps, outboxId);
    } catch (err) {
      reportEnqueueFailure(deps, err, { outboxId }, 'could not enqueue email; the outbox sweeper will');
    }
  }
}
