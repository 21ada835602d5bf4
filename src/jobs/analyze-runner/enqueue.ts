import type { AppDeps } from '../../app/deps.js';
import type { AnalysisRequest } from '../../app/queue/job-queue.js';
import { reportEnqueueFailure } from '../../app/queue/report-enqueue-failure.js';
import { withDeadline } from '../../shared/deadline.js';
import { analyzeRunnerJobOptions, ZAnalyzeRunnerPayload } from '../analysis-request.js';
import { enqueue, type JobSink } from '../definition.js';
import { ENQUEUE_DEADLINE_MS } from '../queues.js';
import { analyzeRunnerJob } from './job.js';

/**
 * Volatile half of an analysis request: the job, with the request's timing and priority. Never
 * throws: a failed add is logged and left to the sweeper (the due mark is already committed).
 * Returns whether the add reached Redis.
 */
export async function enqueueAnalysis(
  sink: JobSink & Pick<AppDeps, 'logger' | 'health'>,
  runnerId: string,
  { reason, ...request }: AnalysisRequest,
): Promise<boolean> {
  const payload = ZAnalyzeRunnerPayload.parse({ runnerId });
  const requested = { ...analyzeRunnerJob, options: () => analyzeRunnerJobOptions(payload, request) };
  try {
    await withDeadline(enqueue(sink, requested, payload), ENQUEUE_DEADLINE_MS, 'analysis enqueue');
    return true;
  } catch (err) {
    reportEnqueueFailure(
      sink,
      err,
      { runnerId, reason },
      'could not enqueue analysis; the inbox sweeper will retry',
    );
    return false;
  }
}
