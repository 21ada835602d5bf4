import { type CleanupStep, namesRunner } from './cleanup-step.js';

/**
 * Job records and queue events that name the runner (a job's id, payload, return value or
 * failure; a deauthorization recheck's job id, an analysis's deduplication id). A job running
 * right now cannot be removed: its processor finds the runner gone and its record is removed as
 * it finishes (`forget`).
 */
export const removeQueueTraces: CleanupStep = {
  name: 'queue jobs and events',
  run: (deps, trace) => deps.jobs.removeJobsNaming((text) => namesRunner(trace, text)),
};
