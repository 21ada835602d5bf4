import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import type { AppDeps } from './app/deps.js';
import type { Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createApp } from './http/app.js';
import { createRoutes } from './http/routes.js';
import { createSandboxSimulator } from './http/sandbox/create-sandbox-simulator.js';
import { createSandboxMailRouter, SANDBOX_MAIL_PATH } from './http/sandbox/mail/mail-pages.js';
import { subscribeSandboxWebhooks } from './http/sandbox/subscribe-sandbox-webhooks.js';
import { createMailer } from './integrations/email/mailer.js';
import { createStravaClient } from './integrations/strava/client.js';
import { closeQueues, createQueues } from './jobs/queues.js';
import { createProducerConnection, createWorkerConnection } from './jobs/redis.js';
import { checkRedisConfig } from './jobs/redis-gate.js';
import { JOB_REGISTRY } from './jobs/registry.js';
import { keepSchedules, SCHEDULE_REFRESH_MS } from './jobs/schedules.js';
import { closeWorkers, startWorkers, type WorkerOptions } from './jobs/worker.js';
import { type Clock, systemClock } from './shared/clock.js';
import type { Logger } from './shared/logger.js';
import { createMetrics } from './shared/metrics.js';

export type StartOptions = {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Test knobs for stall behaviour. */
  workerOptions?: Omit<WorkerOptions, 'connection'>;
};

export type Running = {
  deps: AppDeps;
  /** Base URL of the HTTP server (both roles serve at least /healthz, /readyz, /metrics). */
  url: string;
  server: Server;
  workers: Worker[];
  /** Ordered shutdown steps: stop HTTP → close workers → close queues → quit Redis → end the database. */
  steps: { name: string; run: () => Promise<unknown> }[];
  stop(): Promise<void>;
};

/**
 * Builds and starts one RampGuard process for its ROLE. `web` serves HTTP,
 * `worker` runs the queues (and serves only the ops routes), `all` does both.
 */
export async function startRampGuard({
  config,
  logger,
  clock = systemClock,
  workerOptions,
}: StartOptions): Promise<Running> {
  if (config.sandbox) {
    logger.warn(
      'SANDBOX MODE: no Strava credentials, the built-in Strava simulator at /sim stands in for Strava',
    );
  }
  if (config.generatedSecrets.length > 0) {
    logger.warn(
      { secrets: config.generatedSecrets, dir: config.dataDir },
      'using generated development secrets',
    );
  }
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await migrateDatabase(database);
  const redis = createProducerConnection(config.redisUrl, logger);
  const queues = createQueues(redis, config.queuePrefix, logger);
  const base = { config, logger, database, db: database.db, redis, queues, metrics: createMetrics(), clock };
  const mailer = createMailer(config, logger);
  const runsWeb = config.role !== 'worker';
  const runsWorker = config.role !== 'web';
  // Sandbox mode: the Strava simulator is served by the web role under /sim (never in production).
  const sandbox =
    runsWeb && config.sandbox && !config.isProduction ? await createSandboxSimulator(base) : undefined;
  const deps: AppDeps = {
    ...base,
    strava: createStravaClient(base),
    mailer,
    ...(sandbox ? { sandbox: sandbox.view } : {}),
  };

  let workers: Worker[] = [];
  let workerRedis: ReturnType<typeof createWorkerConnection> | undefined;
  let stopSchedules = () => {};
  if (runsWorker) {
    workerRedis = createWorkerConnection(config.redisUrl, logger);
    await gateRedis(workerRedis, logger, config.isProduction);
    workers = startWorkers(deps, JOB_REGISTRY, { connection: workerRedis, ...workerOptions });
    // Re-asserted periodically: a wiped Redis would otherwise lose the sweepers for good.
    stopSchedules = keepSchedules(queues, logger, {
      sweepEveryMs: config.sweepIntervalMs,
      refreshMs: config.sweepIntervalMs ? config.sweepIntervalMs * 5 : SCHEDULE_REFRESH_MS,
    });
  }

  // The mailbox first: /sim/mail is RampGuard's page, everything else under /sim is the simulator's.
  const sandboxMounts = sandbox
    ? [{ path: SANDBOX_MAIL_PATH, router: createSandboxMailRouter(deps) }, sandbox.mount]
    : [];
  const app = createApp(deps, runsWeb ? [...createRoutes(deps), ...sandboxMounts] : []);
  const server = app.listen(config.port, config.host);
  await once(server, 'listening');
  // Strava gives 2 s; a slow client must not hold sockets for minutes.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  logger.info(
    { role: config.role, port, publicUrl: config.publicUrl, database: database.kind },
    'RampGuard started',
  );
  // In the background: the simulator's validation GET needs this server listening, and start-up must not wait on it.
  const subscribing = sandbox ? subscribeSandboxWebhooks(deps, port) : undefined;

  const steps = [
    ...(sandbox
      ? [
          {
            // First: cancels the simulator's pending webhook deliveries before HTTP closes.
            name: 'sandbox',
            run: async () => {
              await subscribing;
              await sandbox.simulator.close();
            },
          },
        ]
      : []),
    { name: 'http', run: () => closeServer(server) },
    {
      name: 'workers',
      run: () => {
        stopSchedules();
        return closeWorkers(workers, config.shutdownTimeoutMs).then((r) =>
          logger.info({ result: r }, 'workers closed'),
        );
      },
    },
    // After the workers: an in-flight send finishes before its SMTP pool closes.
    { name: 'mailer', run: () => mailer.close() },
    { name: 'queues', run: () => closeQueues(queues) },
    { name: 'redis', run: () => Promise.allSettled([redis.quit(), workerRedis?.quit()]) },
    { name: 'database', run: () => database.close() },
  ];
  let stopped: Promise<void> | undefined;
  return {
    deps,
    url,
    server,
    workers,
    steps,
    stop() {
      stopped ??= (async () => {
        for (const step of steps)
          await step.run().catch((err) => logger.warn({ err, step: step.name }, 'stop step failed'));
      })();
      return stopped;
    },
  };
}

async function gateRedis(redis: ReturnType<typeof createWorkerConnection>, logger: Logger, strict: boolean) {
  try {
    await checkRedisConfig(redis, logger, strict);
  } catch (err) {
    if (strict) throw err;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would hold close() open until they time out.
    server.closeIdleConnections();
  });
}
