import path from 'node:path';
import type { Simulator } from '@rampguard/strava-sim';
import type { AppDeps, SandboxView } from '../../app/deps.js';
import type { Mount } from '../app.js';

export type SandboxSimulator = { simulator: Simulator; mount: Mount; view: SandboxView };

/** The simulator's saved state (docs/sandbox.md#what-survives-a-restart). */
export function sandboxStateFile(dataDir: string): string {
  return path.join(dataDir, 'sandbox', 'strava-simulator.json');
}

/** Where sandbox mode serves the simulator; config.ts points the Strava client here too. */
export const SIMULATOR_MOUNT_PATH = '/sim';

/**
 * Sandbox mode (docs/contract.md#environment-variables: no Strava credentials): the built-in Strava
 * simulator, served by this process under `/sim`. Its one application is
 * registered with exactly the credentials config.ts uses in sandbox mode, so
 * OAuth, token refresh and push subscriptions work unchanged; the callback
 * domain is PUBLIC_URL's host. A demo athlete with eight weeks of runs is
 * there to pick on the consent page. Its state is saved under DATA_DIR, so a
 * restart carries on where it stopped. Never built in production (config
 * refuses sandbox mode there; the caller checks too).
 */
export async function createSandboxSimulator(
  deps: Pick<AppDeps, 'config' | 'logger' | 'clock'>,
): Promise<SandboxSimulator> {
  const { config } = deps;
  const { createSimulator } = await loadSimulatorPackage();
  const simulator = createSimulator({
    logger: deps.logger.child({ component: 'strava-sim' }),
    now: () => deps.clock.now(),
    applications: [
      {
        clientId: config.strava.clientId,
        clientSecret: config.strava.clientSecret,
        name: 'RampGuard',
        callbackDomain: new URL(config.publicUrl).hostname,
      },
    ],
    seedDemo: true,
    stateFile: sandboxStateFile(config.dataDir),
  });
  const view: SandboxView = {
    knowsGrant: (athleteId) => simulator.state.authorizations.has(`${config.strava.clientId}:${athleteId}`),
  };
  return { simulator, mount: { path: SIMULATOR_MOUNT_PATH, router: simulator.app }, view };
}

/**
 * Loaded only when sandbox mode starts: the simulator is a development dependency that the
 * production image leaves out (docs/sandbox.md#where-the-simulator-lives).
 */
async function loadSimulatorPackage(): Promise<typeof import('@rampguard/strava-sim')> {
  try {
    return await import('@rampguard/strava-sim');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      'sandbox mode needs the Strava simulator (@rampguard/strava-sim), which this installation leaves out ' +
        '(the production image does): set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET, or run from a checkout ' +
        'after `npm ci` (docs/sandbox.md#where-the-simulator-lives)',
      { cause: err },
    );
  }
}
