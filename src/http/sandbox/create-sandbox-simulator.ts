import path from 'node:path';
import type { AppDeps, SandboxView } from '../../app/deps.js';
import { createSimulator, type Simulator } from '../../sim/index.js';
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
export function createSandboxSimulator(deps: Pick<AppDeps, 'config' | 'logger' | 'clock'>): SandboxSimulator {
  const { config } = deps;
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
