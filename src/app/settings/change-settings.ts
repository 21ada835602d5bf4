import {
  type RunnerSettingsPatch,
  setRunnerAlerts,
  updateRunnerSettings,
} from '../../db/repositories/runner-settings.js';
import type { Units } from '../../domain/types.js';
import { releaseCurrentAddressHold } from '../../email/address/current-address-hold.js';
import type { AppDeps } from '../deps.js';

type SettingsDeps = Pick<AppDeps, 'db' | 'clock'>;

/** `PATCH /api/me/settings`: the given fields as they are. */
export async function changeSettings(deps: SettingsDeps, runnerId: string, patch: RunnerSettingsPatch) {
  await updateRunnerSettings(deps.db, runnerId, patch, deps.clock.now());
}

/** km or miles for the plan page and emails (same column as `PATCH /api/me/settings`). */
export async function changeUnits(deps: SettingsDeps, runnerId: string, units: Units) {
  await updateRunnerSettings(deps.db, runnerId, { units }, deps.clock.now());
}

/**
 * Alerts on or off. Turning alerts on is an explicit opt-in, so it also lifts
 * an earlier one-click unsubscribe (and the hold it put on the address).
 */
export async function changeAlerts(deps: SettingsDeps, runnerId: string, on: boolean) {
  await deps.db.transaction(async (tx) => {
    await setRunnerAlerts(tx, runnerId, on, deps.clock.now());
    // The runner asked for mail again: their address is no longer held for the unsubscribe.
    if (on) await releaseCurrentAddressHold(tx, runnerId, 'unsubscribed');
  });
}
