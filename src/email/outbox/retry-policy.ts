/**
 * Two layers of retry for transient failures (SMTP 4xx, dropped connections):
 * BullMQ retries the job with exponential backoff and jitter; once the job's
 * attempts are spent, the outbox row stays pending and the sweeper re-enqueues
 * it every `SWEEPER_RETRY_MS` until the row itself has had `MAX_SEND_ATTEMPTS`.
 */
export const SEND_JOB_ATTEMPTS = 8;
export const SEND_JOB_BACKOFF = { type: 'exponential', delay: 2_000, jitter: 0.5 } as const;
export const MAX_SEND_ATTEMPTS = 24;
export const SWEEPER_RETRY_MS = 15 * 60_000;

/**
 * When the row becomes due again after a failed attempt. While the job has
 * retries left this is the SHORTEST delay BullMQ's jittered backoff can pick,
 * so the BullMQ retry always finds the row due (the claim skips rows that are not).
 */
export function retryDelayMs(jobAttemptsMade: number): number {
  const failures = jobAttemptsMade + 1;
  if (failures >= SEND_JOB_ATTEMPTS) return SWEEPER_RETRY_MS;
  const longest = 2 ** (failures - 1) * SEND_JOB_BACKOFF.delay;
  return Math.floor(longest * (1 - SEND_JOB_BACKOFF.jitter));
}
