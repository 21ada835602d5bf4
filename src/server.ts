import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import { type DatabasePreparation, prepareDatabase } from './db/prepare-database.js';
import { createMailer, type Mailer } from './email/transport/mailer.js';
import { createApp } from './http/app.js';
import { createRoutes } from './http/routes.js';
import { createSandboxSimulator, type SandboxSimulator } from './http/sandbox/create-sandbox-simulator.js';
import { createSandboxMailRouter, SANDBOX_MAIL_PATH } from './http/sandbox/mail/mail-pages.js';
import { subscribeSandboxWebhooks } from './http/sandbox/subscribe-sandbox-webhooks.js';
import { createEventReceiver } from './http/strava-webhook/event-receiver.js';
import { isEventDelivery } from './http/strava-webhook/is-event-delivery.js';
import { serveEventDeliveries } from './http/strava-webhook/serve-deliveries.js';
import { createStravaClient } from './integrations/strava/client.js';
import { type AttachedWorkers, attachWorkers } from './jobs/attach-workers.js';
import { type CapacityPlan, planCapacity } from './jobs/capacity.js';
import { createJobQueue } from './jobs/job-queue.js';
import type { ProcessDeps } from './jobs/process-deps.js';
import { closeQueues, createQueues, type Queues } from './jobs/queues.js';
import { createProducerConnection, createWorkerConnection } from './jobs/redis.js';
import { JOB_REGISTRY } from './jobs/registry.js';
import type { WorkerOptions } from './jobs/worker.js';
import { type Clock, systemClock } from './shared/clock.js';
import { withDeadline } from './shared/deadline.js';
import { isDatabaseUnavailable } from './shared/dependency-errors.js';
import { createDependencyHealth, type DependencyHealth } from './shared/dependency-health.js';
import type { Logger } from './shared/logger.js';
import { createMetrics } from './shared/metrics.js';

export type StartOptions = {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Test knobs for stall behaviour. */
  workerOptions?: Omit<WorkerOptions, 'connection' | 'concurrency'>;
};

export type Running = {
  deps: ProcessDeps;
  /** Base URL of the HTTP server (both roles serve at least /healthz, /readyz, /metrics). */
  url: string;
  server: Server;
  /** This process's workers: empty until they attach (docs/degradation.md), then filled in place. */
  workers: Worker[];
  /** Resolves once the workers run (ROLE=web: at once). */
  workersAttached: Promise<void>;
  /** Ordered shutdown steps: stop HTTP → close workers → close queues → quit Redis → end the database. */
  steps: { name: string; run: () => Promise<unknown> }[];
  stop(): Promise<void>;
};

/** How long start-up waits for workers to attach before listening anyway (Redis down: they attach later). */
const ATTACH_GRACE_MS = 2_000;

/**
 * Builds and starts one RampGuard process for its ROLE. `web` serves HTTP,
 * `worker` runs the queues (and serves only the ops routes), `all` does both.
 *
 * Start in any order (docs/degradation.md): the process listens whether or
 * not Postgres and Redis are up. The database is migrated as soon as it
 * answers (until then webhooks get 503 and pages an outage page), and workers
 * attach once both are there. What is missing is reported once in the log and
 * always in /readyz.
 */
export async function startRampGuard({
  config,
  logger,
  clock = systemClock,
  workerOptions,
}: StartOptions): Promise<Running> {
  warnAboutMode(config, logger);
  const capacity = planCapacity(config);
  const health = createDependencyHealth({ logger, role: config.role });
  const { database, preparation } = await openPreparedDatabase(config, logger, capacity, health);
  const built = await buildDeps({ config, logger, clock, health, database });
  const { deps } = built;
  const workers = await startWorkerRole(deps, { preparation, capacity, workerOptions });
  const http = await startHttp(deps, built.sandbox, workers.attached);
  logStarted(deps, capacity, http.port);
  // In the background: the simulator's validation GET needs this server listening (and the database).
  const subscribing = built.sandbox
    ? preparation.ready.then(() => subscribeSandboxWebhooks(deps, http.port))
    : undefined;
  const steps = shutdownSteps({ ...built, ...workers, preparation, server: http.server, subscribing });
  let stopped: Promise<void> | undefined;
  return {
    deps,
    url: http.url,
    server: http.server,
    workers: workers.attached?.workers ?? [],
    workersAttached: workers.attached?.attached ?? Promise.resolve(),
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

function warnAboutMode(config: Config, logger: Logger): void {
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
}

/** Opens the pool and starts migrating; only a broken migration fails the start, an unreachable Postgres does not. */
async function openPreparedDatabase(
  config: Config,
  logger: Logger,
  capacity: CapacityPlan,
  health: DependencyHealth,
): Promise<{ database: Database; preparation: DatabasePreparation }> {
  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
    poolSize: capacity.poolSize,
  });
  database.onConnectionError((err) => {
    if (isDatabaseUnavailable(err)) health.down('database', err);
    else logger.warn({ err }, 'postgres connection error');
  });
  const preparation = prepareDatabase(database, health, logger);
  await preparation.firstAttempt.catch(async (err: unknown) => {
    health.stop();
    await database.close();
    throw err;
  });
  return { database, preparation };
}

type BuiltDeps = {
  deps: ProcessDeps;
  redis: Redis;
  queues: Queues;
  mailer: Mailer;
  sandbox: SandboxSimulator | undefined;
};

/** The composition root proper: every dependency of the use cases, built once for this process. */
async function buildDeps({
  config,
  logger,
  clock,
  health,
  database,
}: {
  config: Config;
  logger: Logger;
  clock: Clock;
  health: DependencyHealth;
  database: Database;
}): Promise<BuiltDeps> {
  const redis = createProducerConnection(config.redisUrl, logger, health);
  const queues = createQueues(redis, config.queuePrefix, logger, health);
  const metrics = createMetrics();
  const base = { config, logger, database, db: database.db, redis, queues, metrics, clock, health };
  const mailer = createMailer(config, logger);
  // Sandbox mode: the Strava simulator is served by the web role under /sim (never in production).
  const sandbox =
    runsWeb(config) && config.sandbox && !config.isProduction
      ? await createSandboxSimulator(base)
      : undefined;
  const deps: ProcessDeps = {
    ...base,
    jobs: createJobQueue(base),
    strava: createStravaClient(base),
    mailer,
    ...(sandbox ? { sandbox: sandbox.view } : {}),
  };
  return { deps, redis, queues, mailer, sandbox };
}

function runsWeb(config: Config): boolean {
  return config.role !== 'worker';
}

function runsWorker(config: Config): boolean {
  return config.role !== 'web';
}

/**
 * Worker roles: workers attach once the database is migrated and Redis is there. With everything
 * up, start as before (workers running when this resolves); otherwise do not wait.
 */
async function startWorkerRole(
  deps: ProcessDeps,
  {
    preparation,
    capacity,
    workerOptions,
  }: {
    preparation: DatabasePreparation;
    capacity: CapacityPlan;
    workerOptions: StartOptions['workerOptions'];
  },
): Promise<{ workerRedis: Redis | undefined; attached: AttachedWorkers | undefined }> {
  const { config, logger, health, database } = deps;
  const workerRedis = runsWorker(config)
    ? createWorkerConnection(config.redisUrl, logger, {}, health)
    : undefined;
  const attached = workerRedis
    ? attachWorkers(deps, {
        registry: JOB_REGISTRY,
        connection: workerRedis,
        databaseReady: preparation.ready,
        concurrency: capacity.concurrency,
        ...(workerOptions ? { workerOptions } : {}),
      })
    : undefined;
  if (attached && database.lifetime.known()) {
    await Promise.race([attached.attached, new Promise((r) => setTimeout(r, ATTACH_GRACE_MS).unref())]);
  }
  return { workerRedis, attached };
}

/**
 * Both roles listen: the web role with every route, the worker role with the ops routes only.
 * The web role answers Strava's event deliveries before express (docs/scaling.md#the-ack-path):
 * the one high-rate route skips the middleware stack it does not need; everything else,
 * the handshake GET included, is the express app's.
 */
async function startHttp(
  deps: ProcessDeps,
  sandbox: SandboxSimulator | undefined,
  attached: AttachedWorkers | undefined,
): Promise<{ server: Server; port: number; url: string }> {
  const { config } = deps;
  // The mailbox first: /sim/mail is RampGuard's page, everything else under /sim is the simulator's.
  const sandboxMounts = sandbox
    ? [{ path: SANDBOX_MAIL_PATH, router: createSandboxMailRouter(deps) }, sandbox.mount]
    : [];
  const receiver = runsWeb(config) ? createEventReceiver(deps) : undefined;
  const app = createApp(deps, receiver ? [...createRoutes(deps, receiver), ...sandboxMounts] : [], {
    ...(attached ? { workersState: attached.state } : {}),
  });
  const deliveries = receiver ? serveEventDeliveries(deps, receiver) : undefined;
  // What app.listen does, with the deliveries in front.
  const server = createServer(
    deliveries ? (req, res) => (isEventDelivery(req) ? deliveries(req, res) : app(req, res)) : app,
  );
  server.listen(config.port, config.host);
  await once(server, 'listening');
  // Strava gives 2 s; a slow client must not hold sockets for minutes.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  const port = (server.address() as AddressInfo).port;
  return { server, port, url: `http://127.0.0.1:${port}` };
}

function logStarted({ config, logger, database, health }: ProcessDeps, capacity: CapacityPlan, port: number) {
  logger.info(
    {
      role: config.role,
      port,
      publicUrl: config.publicUrl,
      database: database.kind,
      poolSize: capacity.poolSize,
      concurrency: runsWorker(config) ? capacity.concurrency : undefined,
      waitingFor: (['database', 'redis'] as const).filter((d) => health.state(d) === 'down'),
    },
    'RampGuard started',
  );
}

/** The shutdown order (docs/reliability-rules.md#ordered-shutdown): each step after the ones that use what it closes. */
function shutdownSteps({
  deps,
  redis,
  queues,
  mailer,
  sandbox,
  workerRedis,
  attached,
  preparation,
  server,
  subscribing,
}: BuiltDeps & {
  workerRedis: Redis | undefined;
  attached: AttachedWorkers | undefined;
  preparation: DatabasePreparation;
  server: Server;
  subscribing: Promise<void> | undefined;
}): Running['steps'] {
  const { config, logger, health, database } = deps;
  return [
    ...(sandbox
      ? [
          {
            // First: cancels the simulator's pending webhook deliveries before HTTP closes.
            name: 'sandbox',
            run: async () => {
              if (database.lifetime.known()) await subscribing;
              await sandbox.simulator.close();
            },
          },
        ]
      : []),
    { name: 'http', run: () => closeServer(server) },
    // Acked events still lingering for the next addBulk go to Redis now, not via the sweeper later.
    { name: 'event hand-off', run: () => deps.jobs.flushEventHandOffs() },
    {
      name: 'workers',
      run: async () => {
        preparation.stop();
        if (!attached) return;
        const result = await attached.close(config.shutdownTimeoutMs);
        logger.info({ result }, 'workers closed');
      },
    },
    // After the workers: an in-flight send finishes before its SMTP pool closes.
    { name: 'mailer', run: () => mailer.close() },
    { name: 'queues', run: () => closeQueues(queues) },
    {
      name: 'redis',
      run: () => {
        health.stop();
        return Promise.allSettled([quitRedis(redis), workerRedis ? quitRedis(workerRedis) : undefined]);
      },
    },
    { name: 'database', run: () => database.close() },
  ];
}

/** QUIT when connected; with Redis away, stop the reconnect loop instead of waiting for it. */
async function quitRedis(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') await withDeadline(client.quit(), 2_000, 'redis quit');
  } finally {
    client.disconnect();
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would hold close() open until they time out.
    server.closeIdleConnections();
  });
}
