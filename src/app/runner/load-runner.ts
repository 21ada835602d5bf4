import type { DbOrTx } from '../../db/client.js';
import {
  findRunnerRow,
  findRunnerTimezone,
  type RunnerRow,
  runnerRowExists,
} from '../../db/repositories/runner-profile.js';

/** Why RampGuard parked a runner's Strava access (the pages explain it). */
export type { StravaRefusal } from '../../db/repositories/runner-profile.js';
export type { RunnerRow };

/** The runner's row; null once the runner was deleted (a stale session between check and read). */
export async function loadRunner(db: DbOrTx, runnerId: string): Promise<RunnerRow | null> {
  return findRunnerRow(db, runnerId);
}

/** Whether the runner still exists (a signed link can outlive its runner). */
export async function runnerExists(db: DbOrTx, runnerId: string): Promise<boolean> {
  return runnerRowExists(db, runnerId);
}

/** The runner's time zone, UTC once the runner was deleted. */
export async function runnerTimezone(db: DbOrTx, runnerId: string): Promise<string> {
  return (await findRunnerTimezone(db, runnerId)) ?? 'UTC';
}
