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

/** Every job the worker role can run. Adding a job = a folder plus one line here. */
export const JOB_REGISTRY: readonly JobDefinition<unknown>[] = [
  purgeExpiredSessionsJob as JobDefinition<unknown>,
  stravaEventJob as JobDefinition<unknown>,
  inboxSweepJob as JobDefinition<unknown>,
  inboxPurgeJob as JobDefinition<unknown>,
  sendEmailJob as JobDefinition<unknown>,
  outboxSweepJob as JobDefinition<unknown>,
  analyzeRunnerJob as JobDefinition<unknown>,
  purgeStravaCacheJob as JobDefinition<unknown>,
  reviewPlansJob as JobDefinition<unknown>,
  reconcileRunnersJob as JobDefinition<unknown>,
  deauthRecheckJob as JobDefinition<unknown>,
  workerCanaryJob as JobDefinition<unknown>,
  revokeGrantJob as JobDefinition<unknown>,
  revocationSweepJob as JobDefinition<unknown>,
];

/** Repeatable maintenance jobs, upserted at worker start (idempotent across processes). */
export const SCHEDULES: readonly { job: JobDefinition<unknown>; everyMs: number }[] = [
  { job: purgeExpiredSessionsJob as JobDefinition<unknown>, everyMs: 60 * 60_000 },
  { job: inboxSweepJob as JobDefinition<unknown>, everyMs: INBOX_SWEEP_EVERY_MS },
  { job: inboxPurgeJob as JobDefinition<unknown>, everyMs: INBOX_PURGE_EVERY_MS },
  { job: outboxSweepJob as JobDefinition<unknown>, everyMs: OUTBOX_SWEEP_EVERY_MS },
  { job: purgeStravaCacheJob as JobDefinition<unknown>, everyMs: 60 * 60_000 },
  { job: reviewPlansJob as JobDefinition<unknown>, everyMs: 60 * 60_000 },
  { job: reconcileRunnersJob as JobDefinition<unknown>, everyMs: 60 * 60_000 },
  { job: workerCanaryJob as JobDefinition<unknown>, everyMs: WORKER_CANARY_EVERY_MS },
  { job: revocationSweepJob as JobDefinition<unknown>, everyMs: REVOCATION_SWEEP_EVERY_MS },
];
