import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startSimulator } from './start-simulator.js';

/**
 * `npm start -w @rampguard/strava-sim -- --port 4100` (README.md, "Start it on its own"): the
 * simulator on its own port (benchmarks, manual testing). Control API and page on; logs as JSON
 * on stdout.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4100' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'callback-domain': { type: 'string' },
    'retry-delay-ms': { type: 'string' },
    'token-lifetime': { type: 'string' },
    'seed-demo': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'info' },
  },
});

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

const logger = pino({ level: values['log-level'] ?? 'info', base: { service: 'strava-sim' } });
const started = await startSimulator({
  port: Number(values.port),
  logger,
  seedDemo: values['seed-demo'],
  applications: [
    {
      clientId: values['client-id'],
      clientSecret: values['client-secret'],
      callbackDomain: values['callback-domain'],
    },
  ],
  producer: values['retry-delay-ms'] !== undefined ? { retryDelayMs: Number(values['retry-delay-ms']) } : {},
  tokenLifetimeSeconds: optionalNumber(values['token-lifetime']),
});
const app = started.simulator.state.applications.values().next().value;
logger.info(
  { url: started.url, oauthUrl: started.oauthUrl, apiUrl: started.apiUrl, clientId: app?.clientId },
  'Strava simulator listening (control page at /control/ui)',
);

const shutdown = () => {
  void started.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
