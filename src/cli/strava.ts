/**
 * `npm run strava -- subscription create|show|delete`: manages the app's one
 * Strava webhook subscription (docs/webhooks.md) against the configured Strava, or the
 * simulator in sandbox mode (then RampGuard must be running at PUBLIC_URL).
 * `npm run strava -- quota`: what the Strava budget is spent on and how many
 * runners it serves (docs/strava-quota.md#accounting); it makes no Strava call.
 * Errors end with one clear line on stderr and exit code 1: no stack traces,
 * and never a secret (client secret, verify token) in the output.
 */

import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { formatQuotaReport, readQuotaReport } from '../app/strava-access/quota-report.js';
import {
  createStravaSubscription,
  deleteStravaSubscription,
  type SubscriptionDeps,
  showStravaSubscription,
} from '../app/strava-subscription.js';
import { ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { createStravaClient } from '../integrations/strava/client.js';
import { StravaUnavailableError } from '../integrations/strava/errors.js';
import { createProducerConnection } from '../jobs/redis.js';
import { systemClock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { createMetrics } from '../shared/metrics.js';
import { printLine } from './print-line.js';

const USAGE = 'usage: npm run strava -- subscription create|show|delete | quota';
const ACTIONS = ['create', 'show', 'delete'] as const;
type Action = (typeof ACTIONS)[number] | 'quota';

class UsageError extends Error {}

function readAction(argv: string[]): Action {
  const [group, action, ...rest] = argv;
  if (group === 'quota' && action === undefined) return 'quota';
  if (group !== 'subscription' || rest.length > 0 || !ACTIONS.includes(action as (typeof ACTIONS)[number])) {
    throw new UsageError(USAGE);
  }
  return action as Action;
}

type CliDeps = SubscriptionDeps & { redis: Redis; close(): Promise<void> };

/** The minimum a subscription command needs: config, database, Redis (rate governor), the client. */
async function openCliDeps(): Promise<CliDeps> {
  const config = loadConfig();
  // Logs go to stderr at warn and above: stdout carries only the command's answer.
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const database: Database = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
  });
  await migrateDatabase(database);
  const redis = createProducerConnection(config.redisUrl, logger);
  await waitForRedis(redis);
  const deps = { config, logger, db: database.db, redis, metrics: createMetrics(), clock: systemClock };
  return {
    config,
    db: database.db,
    clock: systemClock,
    redis,
    strava: createStravaClient(deps),
    async close() {
      redis.disconnect();
      await database.close();
    },
  };
}

/** Gives Redis a second to connect; without it the rate governor simply lets calls through. */
async function waitForRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  const ready = once(redis, 'ready').catch(() => undefined); // an 'error' event rejects once(): fine here
  await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
}

async function run(action: Action, deps: CliDeps): Promise<void> {
  if (action === 'quota') {
    printLine(formatQuotaReport(await readQuotaReport(deps)));
    return;
  }
  if (action === 'create') {
    const created = await createStravaSubscription(deps);
    printLine(
      created.adopted
        ? `Strava already had a subscription for ${created.callbackUrl}: stored its id ${created.id}.`
        : `Created subscription ${created.id} for ${created.callbackUrl}.`,
    );
    if (deps.config.strava.subscriptionId && deps.config.strava.subscriptionId !== created.id) {
      printLine(
        `Note: STRAVA_SUBSCRIPTION_ID is set to ${deps.config.strava.subscriptionId}, which overrides the stored id: ` +
          'update or unset it, or incoming events will be dropped.',
      );
    }
    return;
  }
  if (action === 'show') {
    const { stored, atStrava, expectedId } = await showStravaSubscription(deps);
    printLine(
      stored
        ? `Stored: id ${stored.subscriptionId}, callback ${stored.callbackUrl}, since ${stored.createdAt.toISOString()}`
        : 'Stored: none',
    );
    if (atStrava.length === 0) printLine('At Strava: none');
    for (const s of atStrava) {
      printLine(`At Strava: id ${s.id}, callback ${s.callbackUrl ?? '?'}, created ${s.createdAt ?? '?'}`);
    }
    const source = deps.config.strava.subscriptionId ? 'STRAVA_SUBSCRIPTION_ID' : 'stored';
    printLine(
      `Events accepted for subscription_id: ${expectedId ? `${expectedId} (${source})` : 'none yet'}`,
    );
    return;
  }
  const { deletedId } = await deleteStravaSubscription(deps);
  printLine(deletedId ? `Deleted subscription ${deletedId}.` : 'No subscription to delete.');
}

function describe(err: unknown, apiUrl: string | undefined): string {
  if (err instanceof ConfigError || err instanceof UsageError) return err.message;
  if (err instanceof StravaUnavailableError) return `${err.message} (is Strava reachable at ${apiUrl}?)`;
  if (err instanceof AppError) return err.message;
  return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}

async function main(): Promise<void> {
  let deps: CliDeps | undefined;
  let code = 0;
  try {
    const action = readAction(process.argv.slice(2));
    deps = await openCliDeps();
    await run(action, deps);
  } catch (err) {
    console.error(describe(err, deps?.config.strava.apiUrl));
    code = 1;
  } finally {
    await deps?.close().catch(() => undefined);
  }
  process.exit(code);
}

void main();
