import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator, type Simulator } from './create-simulator.js';
import type { SimulatorOptions } from './options.js';

export type StartSimulatorOptions = SimulatorOptions & {
  /** 0 (default) picks a free port. */
  port?: number;
};

export type StartedSimulator = {
  /** e.g. http://127.0.0.1:4100 — the simulator is served at the root. */
  url: string;
  /** `${url}/oauth`: STRAVA_OAUTH_URL */
  oauthUrl: string;
  /** `${url}/api/v3`: STRAVA_API_URL */
  apiUrl: string;
  /** `${url}/control` */
  controlUrl: string;
  port: number;
  simulator: Simulator;
  close(): Promise<void>;
};

/** Runs the simulator on its own port, bound to 127.0.0.1 only. */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<StartedSimulator> {
  const { port = 0, ...simOptions } = options;
  const simulator = createSimulator(simOptions);
  const server = createServer(simulator.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actualPort}`;
  return {
    url,
    oauthUrl: `${url}/oauth`,
    apiUrl: `${url}/api/v3`,
    controlUrl: `${url}/control`,
    port: actualPort,
    simulator,
    async close() {
      await simulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
