/**
 * What a job's processor reports: `skipped` is a normal outcome, not a failure.
 * `forget`: the job's record names a runner who has left; the worker removes
 * it as soon as it finishes (docs/disconnect.md). `detail` is stored in Redis:
 * ids and counts only, never names or addresses. Defined here because use cases
 * that run as jobs (the outbox sender) answer in it; the job layer's workers read it.
 */
export type JobOutcome = { outcome: 'done' | 'skipped'; detail?: string; forget?: boolean };
