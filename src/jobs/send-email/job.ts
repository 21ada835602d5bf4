import { z } from 'zod';
import { SEND_JOB_ATTEMPTS, SEND_JOB_BACKOFF } from '../../email/outbox/retry-policy.js';
import { sendOutboxEmail } from '../../email/outbox/send-outbox-email.js';
import { defineJob } from '../definition.js';

/** BullMQ job id of an outbox row's send job (no `:`, never all digits). */
export function sendEmailJobId(outboxId: number): string {
  return `email-${outboxId}`;
}

/**
 * Delivers one outbox row. The payload is the row id only: the recipient is
 * read from `runners` at send time, so no address ever sits in Redis
 * (docs/reliability-rules.md#ids-only-in-job-data). Transient failures retry here with backoff; the
 * outbox row, not this job, is the record of what was sent.
 */
export const sendEmailJob = defineJob({
  queue: 'email',
  name: 'send-email',
  schema: z.object({ outboxId: z.number().int().positive() }),
  options: ({ outboxId }) => ({
    jobId: sendEmailJobId(outboxId),
    attempts: SEND_JOB_ATTEMPTS,
    backoff: { ...SEND_JOB_BACKOFF },
  }),
  process: ({ outboxId }, { deps, attemptsMade }) => sendOutboxEmail(deps, outboxId, attemptsMade),
});
