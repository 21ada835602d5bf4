import { enqueue, type JobSink } from '../definition.js';
import { scopedJobId } from '../job-ids.js';
import { sendEmailJob, sendEmailJobId } from './job.js';

/** Adds the send job for one outbox row (jobId `<lifetime>-email-<id>`: a second add while it exists is a no-op). */
export async function scheduleSendJob(sink: JobSink, outboxId: number): Promise<void> {
  await enqueue(sink, sendEmailJob, { outboxId });
}

/**
 * BullMQ ignores an add whose jobId still exists, also when that job has
 * already finished (kept for inspection, docs/reliability-rules.md#job-ids-dedupe-only-while-the-job-exists). A finished job
 * for a row that is still pending and due ran too early or gave up, so it is
 * removed and the row gets a fresh job; an active or waiting one is left alone.
 */
export async function requeueSendJob(sink: JobSink, outboxId: number): Promise<void> {
  const queue = sink.queues[sendEmailJob.queue];
  const jobId = scopedJobId(sink.database, sendEmailJobId(outboxId));
  const state = await queue.getJobState(jobId);
  if (state === 'completed' || state === 'failed') await queue.remove(jobId);
  await scheduleSendJob(sink, outboxId);
}
