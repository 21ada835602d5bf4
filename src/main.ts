import { AggregatorRegistry } from 'prom-client';
import { ConfigError, loadConfig } from './config.js';
import {
  EmbeddedRedisBusyError,
  RedisBinaryNotFoundError,
  resolveRedis,
} from './shared/embedded-redis/resolve-redis.js';
import { createLogger } from './shared/logger.js';
import { createShutdown } from './shared/shutdown.js';
import { isClusterChild, runWebCluster } from './shared/web-cluster.js';

/** Process entry point: parse config, start the role, shut down in order on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception, exiting');
    process.exit(1);
  });
  if (config.webConcurrency > 1 && !isClusterChild()) {
    runWebCluster({
      size: config.webConcurrency,
      shutdownDeadlineMs: config.shutdownTimeoutMs + 10_000,
      logger,
    });
    return;
  }
  const redis = await resolveRedis(config, logger);
  // Loaded after Redis is settled: a missing redis-server is reported before the whole app is compiled and loaded.
  const { startRampGuard } = await import('./server.js');
  const running = await startRampGuard({ config: redis.config, logger }).catch(async (err: unknown) => {
    await redis.stop();
    throw err;
  });
  // A cluster child's metrics are read by the primary, which sums every web process (docs/scaling.md).
  if (isClusterChild()) AggregatorRegistry.setRegistries([running.deps.metrics.registry]);
  const shutdown = createShutdown(logger, config.shutdownTimeoutMs + 5_000);
  for (const step of running.steps) shutdown.add(step.name, step.run);
  // Last: every Redis client has quit by now, and Redis fsyncs its AOF as it stops.
  shutdown.add('embedded-redis', redis.stop);
  shutdown.listen();
}

main().catch((err: unknown) => {
  // One line, no stack: these say exactly what to do (docs/embedded-redis.md).
  if (err instanceof RedisBinaryNotFoundError || err instanceof EmbeddedRedisBusyError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error('RampGuard failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
