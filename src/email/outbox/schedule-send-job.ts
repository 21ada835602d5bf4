import type { AppDeps } from '../../app/deps.js';
import { enqueue } from '../../jobs/definition.js';
import { reportEnqueueFailure } from '../../jobs/enqueue-failure.js';
import { sendEmailJob } from '../../jobs/send-email/job.js';

/** Adds the send job for one outbox row (jobId `<lifetime>-email-<id>`: a second add while it exists is a no-op). */
export async function scheduleSendJob(
  deps: Pick<AppDeps, 'queues' | 'database'>,
  outboxId: number,
): Promise<void> {
  await enqueue(deps, sendEmailJob, { outboxId });
}

/**
 * After-commit helper: a failed add (Redis down) is logged and otherwise
 * harmless, because the committed row is picked up by the outbox sweeper.
 */
export async function scheduleSendJobs(
  deps: Pick<AppDeps, 'queues' | 'database' | 'logger' | 'health'>,
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
