import type { Tx } from '../../db/client.js';
import type { RunnerRef } from '../../db/repositories/runner-data.js';
import { withDeadline } from '../../shared/deadline.js';
import { deleteRunner } from '../delete-runner.js';
import type { AppDeps } from '../deps.js';
import { RUNNER_CLEANUP_STEPS } from './cleanup-steps.js';
import type { RunnerTrace } from './runner-trace.js';

/** One cleanup step may not hold a disconnect (a web request) for long. */
const STEP_DEADLINE_MS = 10_000;

export type Forgotten = {
  /** Null when the runner was already gone. */
  trace: RunnerTrace | null;
  /** Per cleanup step: how many things it removed, or `failed`. */
  cleanup: Record<string, number | 'failed'>;
};

/**
 * The runner leaves nothing behind (docs/data.md, docs/disconnect.md): every row in
 * one transaction (`deleteRunner`, with `beforeDelete` in the same
 * transaction), then every cleanup step outside Postgres: mail files, queue
 * records and events, Redis keys. A step that fails (Redis away) is logged;
 * the rows are gone regardless, and what a step leaves expires on its own
 * (job records within a week, files never: hence the warning).
 */
export async function forgetRunner(
  deps: AppDeps,
  runnerId: string,
  beforeDelete?: (tx: Tx, runner: RunnerRef) => Promise<void>,
): Promise<Forgotten> {
  const trace = await deleteRunner(deps.db, runnerId, beforeDelete);
  if (!trace) return { trace: null, cleanup: {} };
  const cleanup: Forgotten['cleanup'] = {};
  for (const step of RUNNER_CLEANUP_STEPS) {
    try {
      cleanup[step.name] = await withDeadline(
        step.run(deps, trace),
        STEP_DEADLINE_MS,
        `cleanup: ${step.name}`,
      );
    } catch (err) {
      cleanup[step.name] = 'failed';
      deps.logger.warn({ runnerId, step: step.name, err }, 'runner cleanup step failed; its traces remain');
    }
  }
  return { trace, cleanup };
}
