import { once } from 'node:events';
import {
  createSimControl,
  DEFAULT_APPLICATION,
  type SimControl,
  type StartedSimulator,
  type StartSimulatorOptions,
  startSimulator,
} from '@rampguard/strava-sim';
import type { Redis } from 'ioredis';
import { type Config, loadConfig } from '../../src/config.js';
import { runners } from '../../src/db/schema/index.js';
import { createMailer } from '../../src/email/transport/mailer.js';
import {
  createStravaClient,
  type ExchangedAuthorization,
  type StravaClient,
  type StravaClientOptions,
} from '../../src/integrations/strava/client.js';
import { createJobQueue } from '../../src/jobs/job-queue.js';
import type { ProcessDeps } from '../../src/jobs/process-deps.js';
import { closeQueues, createQueues } from '../../src/jobs/queues.js';
import { createProducerConnection } from '../../src/jobs/redis.js';
import { type Clock, systemClock } from '../../src/shared/clock.js';
import { createDependencyHealth } from '../../src/shared/dependency-health.js';
import type { Logger } from '../../src/shared/logger.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { testEnv } from './app.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { silentLogger } from './logger.js';
import { deleteKeys } from './queue-keys.js';

export type TestContextOptions = {
  /** Simulator options (rate limits, token lifetime, faults…); it always listens on a free port. */
  sim?: StartSimulatorOptions;
  /** Extra environment for loadConfig (e.g. PUBLIC_URL, STRAVA_SUBSCRIPTION_ID). */
  env?: NodeJS.ProcessEnv;
  /** Client knobs, e.g. `{ retryBaseMs: 5 }` to keep backoff tests fast. */
  strava?: StravaClientOptions;
  clock?: Clock;
  logger?: Logger;
  /** Reuse a database (e.g. one per file shared by several contexts); it is then not dropped on close. */
  database?: TestDatabase;
};

export type TestContext = {
  deps: ProcessDeps;
  database: TestDatabase;
  sim: StartedSimulator;
  simControl: SimControl;
  /** The environment the config was loaded from (e.g. to run a CLI against the same setup). */
  env: NodeJS.ProcessEnv;
  /** Another client over the same deps, e.g. to simulate a second process (own single-flight map). */
  createClient(options?: StravaClientOptions & { queuePrefix?: string }): StravaClient;
  close(): Promise<void>;
};

/**
 * Everything a Strava-facing test needs, for real: the simulator on a free
 * port, a migrated Postgres database of its own, Redis at REDIS_URL (default
 * 127.0.0.1:6379) under a unique queue prefix (its keys are deleted on close;
 * never FLUSHALL), and deps whose config points Strava at the simulator
 * with the simulator's default app credentials.
 */
export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const sim = await startSimulator({ ...options.sim, port: 0 });
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const env = testEnv({
    DATABASE_URL: database.url,
    STRAVA_API_URL: sim.apiUrl,
    STRAVA_OAUTH_URL: sim.oauthUrl,
    STRAVA_CLIENT_ID: DEFAULT_APPLICATION.clientId,
    STRAVA_CLIENT_SECRET: DEFAULT_APPLICATION.clientSecret,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...options.env,
  });
  const config = loadConfig(env);
  const redis = createProducerConnection(config.redisUrl, logger);
  await waitUntilReady(redis);
  const queues = createQueues(redis, config.queuePrefix, logger);
  const health = createDependencyHealth({ logger, role: 'all' });
  const base = {
    config,
    logger,
    database,
    db: database.db,
    redis,
    queues,
    metrics: createMetrics(),
    clock,
    health,
  };
  const mailer = createMailer(config, logger);
  const deps: ProcessDeps = {
    ...base,
    jobs: createJobQueue(base),
    strava: createStravaClient(base, options.strava),
    mailer,
  };
  const prefixes = new Set([config.queuePrefix]);

  return {
    deps,
    database,
    sim,
    simControl: createSimControl(sim.url),
    env,
    createClient(clientOptions = {}) {
      const { queuePrefix, ...rest } = clientOptions;
      if (queuePrefix) prefixes.add(queuePrefix);
      const clientConfig: Config = queuePrefix ? { ...config, queuePrefix } : config;
      return createStravaClient({ ...base, config: clientConfig }, { ...options.strava, ...rest });
    },
    async close() {
      health.stop();
      await closeQueues(queues);
      await mailer.close();
      for (const prefix of prefixes) await deleteKeys(redis, `${prefix}:*`);
      redis.disconnect();
      await sim.close();
      if (ownsDatabase) await database.drop();
    },
  };
}

export type ConnectedRunner = {
  runnerId: string;
  athleteId: string;
  authorization: ExchangedAuthorization;
};

/**
 * Connects a new simulated athlete the way the OAuth callback does: consent
 * on the simulator, code exchange through our client, runner row and
 * encrypted tokens written in one transaction.
 */
export async function connectRunner(
  ctx: TestContext,
  options: { scopes?: string[]; firstname?: string; athleteId?: string } = {},
): Promise<ConnectedRunner> {
  const scopes = options.scopes ?? ['read', 'activity:read_all', 'profile:read_all'];
  const consent = await ctx.simControl.authorize({
    clientId: ctx.deps.config.strava.clientId,
    redirectUri: `${ctx.deps.config.publicUrl}/auth/strava/callback`,
    scopes,
    athleteId: options.athleteId,
    newAthleteFirstname: options.firstname ?? 'Ada',
    state: 'test-state',
  });
  if (!consent.code) throw new Error(`simulated consent failed: ${consent.error ?? 'no code'}`);
  const authorization = await ctx.deps.strava.exchangeCode(consent.code);
  const athleteId = authorization.athlete.id;
  const runnerId = await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(runners)
      .values({
        athleteId,
        firstname: authorization.athlete.firstname,
        units: authorization.athlete.units,
        scopes: consent.scope ?? scopes.join(','),
      })
      .onConflictDoUpdate({ target: runners.athleteId, set: { scopes: consent.scope ?? scopes.join(',') } })
      .returning({ id: runners.id });
    if (!row) throw new Error('runner insert returned nothing');
    await ctx.deps.strava.saveTokens(tx, row.id, athleteId, authorization);
    return row.id;
  });
  return { runnerId, athleteId, authorization };
}

async function waitUntilReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await once(redis, 'ready');
}
