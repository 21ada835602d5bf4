import type { AppDeps } from '../deps.js';
import type { RunnerTrace } from './runner-trace.js';

/**
 * One place outside Postgres where a runner can leave a trace, and how to
 * remove it (docs/disconnect.md). Each step returns how many things it
 * removed; a failing step is logged and does not stop the others. Adding a
 * store that names runners (a cache, a rate-limit key) means adding a step to
 * RUNNER_CLEANUP_STEPS.
 */
export type CleanupStep = {
  name: string;
  run(deps: AppDeps, trace: RunnerTrace): Promise<number>;
};

/** Does this text (a job's data, return value, an event entry) name the runner? */
export function namesRunner(trace: RunnerTrace, text: string): boolean {
  if (text.includes(trace.runnerId)) return true;
  if (trace.email && text.toLowerCase().includes(trace.email.toLowerCase())) return true;
  // Athlete ids are digits: match them whole, not inside a longer number (a timestamp).
  return new RegExp(`(^|\\D)${trace.athleteId}(\\D|$)`).test(text);
}
