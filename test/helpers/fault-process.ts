/**
 * A RampGuard process for fault tests, spawned as `node --import tsx test/helpers/fault-process.ts`.
 * The same start-up as `src/main.ts` (config from the environment, startRampGuard, ordered
 * shutdown on SIGTERM), plus the stall knobs `startRampGuard` takes as `workerOptions`, read
 * from FAULT_LOCK_DURATION_MS and FAULT_STALLED_INTERVAL_MS (docs/reliability-rules.md#stalled-jobs: 5 s each),
 * so a SIGKILLed worker's job is recovered within seconds instead of a minute.
 */
import { loadConfig } from '../../src/config.js';
import { startRampGuard } from '../../src/server.js';
import { createLogger } from '../../src/shared/logger.js';
import { createShutdown } from '../../src/shared/shutdown.js';

function positive(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception, exiting');
  process.exit(1);
});

const lockDuration = positive('FAULT_LOCK_DURATION_MS');
const stalledInterval = positive('FAULT_STALLED_INTERVAL_MS');
const running = await startRampGuard({
  config,
  logger,
  workerOptions: {
    ...(lockDuration ? { lockDuration } : {}),
    ...(stalledInterval ? { stalledInterval } : {}),
  },
});
const shutdown = createShutdown(logger, config.shutdownTimeoutMs + 5_000);
for (const step of running.steps) shutdown.add(step.name, step.run);
shutdown.listen();
