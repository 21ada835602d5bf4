import { analyzeRunnerJob } from './analyze-runner/job.js';
import { deauthRecheckJob } from './deauth-recheck/job.js';
import type { JobDefinition } from './definition.js';
import { INBOX_PURGE_EVERY_MS, inboxPurgeJob } from './inbox-purge/job.js';
import { INBOX_SWEEP_EVERY_MS, inboxSweepJob } from './inbox-sweep/job.js';
import { OUTBOX_SWEEP_EVERY_MS, outboxSweepJob } from './outbox-sweep/job.js';
import { purgeExpiredSessionsJob } from './purge-expired-sessions/job.js';
import { purgeStravaCacheJob } from './purge-strava-cache/job.js';
import { reconcileRunnersJob } from './reconcile-runners/job.js';
import { reviewPlansJob } from './review-plans/job.js';
import { REVOCATION_SWEEP_EVERY_MS, revocationSweepJob } from './revocation-sweep/job.js';
import { revokeGrantJob } from './revoke-grant/job.js';
import { sendEmailJob } from './send-email/job.js';
import { stravaEventJob } from './strava-event/job.js';
import { WORKER_CANARY_EVERY_MS, workerCanaryJob } from './worker-canary/job.js';

/**
 * Every job the worker role can run. Adding a job = a folder plus one line here.
 * Held as `JobDefinition<unknown>` without a cast: `options` and `process` are methods, so a
 * job of any payload fits, and that stays sound because the worker hands `process` only what the
 * job's own `schema` parsed, and the schedules add `{}`, which their payloadless schemas accept.
 */
export const JOB_REGISTRY: readonly JobDefinition<unknown>[] = [
  purgeExpiredSessionsJob,
  stravaEventJob,
  inboxSweepJob,
  inboxPurgeJob,
  sendEmailJob,
  outboxSweepJob,
  analyzeRunnerJob,
  purgeStravaCacheJob,
  reviewPlansJob,
  reconcileRunnersJob,
  deauthRecheckJob,
  workerCanaryJob,
  revokeGrantJob,
  revocationSweepJob,
];

/** Repeatable maintenance jobs, upserted at worker start (idempotent across processes). */
export const SCHEDULES: readonly { job: JobDefinition<unknown>; everyMs: number }[] = [
  { job: purgeExpiredSessionsJob, everyMs: 60 * 60_000 },
  { job: inboxSweepJob, everyMs: INBOX_SWEEP_EVERY_MS },
  { job: inboxPurgeJob, everyMs: INBOX_PURGE_EVERY_MS },
  { job: outboxSweepJob, everyMs: OUTBOX_SWEEP_EVERY_MS },
  { job: purgeStravaCacheJob, everyMs: 60 * 60_000 },
  { job: reviewPlansJob, everyMs: 60 * 60_000 },
  { job: reconcileRunnersJob, everyMs: 60 * 60_000 },
  { job: workerCanaryJob, everyMs: WORKER_CANARY_EVERY_MS },
  { job: revocationSweepJob, everyMs: REVOCATION_SWEEP_EVERY_MS },
];
