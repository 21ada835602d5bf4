import type { JobDefinition } from './definition.js';
import { purgeExpiredSessionsJob } from './purge-expired-sessions/job.js';

/** Every job the worker role can run. Adding a job = a folder plus one line here. */
export const JOB_REGISTRY: readonly JobDefinition<unknown>[] = [
  purgeExpiredSessionsJob as JobDefinition<unknown>,
];

/** Repeatable maintenance jobs, upserted at worker start (idempotent across processes). */
export const SCHEDULES: readonly { job: JobDefinition<unknown>; everyMs: number }[] = [
  { job: purgeExpiredSessionsJob as JobDefinition<unknown>, everyMs: 60 * 60_000 },
];
