import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { withDeadline } from '../shared/deadline.js';
import type { Logger } from '../shared/logger.js';
import type { Db, DbOrTx, Tx } from './handle.js';
import { createLifetimeCell, type DatabaseLifetime } from './lifetime.js';
import * as schema from './schema/index.js';

export type { Db, DbOrTx, Tx } from './handle.js';

export type Database = {
  kind: 'postgres' | 'pglite';
  db: Db;
  /** Connections this process may hold at once (PGlite: one). */
  poolSize: number;
  /** Set once the database has been reached and migrated (docs/job-ids.md). */
  lifetime: DatabaseLifetime;
  /** Cheap round trip for readiness checks; rejects within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  /** Where connection errors of idle or checked-out clients go (default: a warning per error). */
  onConnectionError(listener: (err: Error) => void): void;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  databaseUrl: string | undefined;
  dataDir: string;
  logger: Logger;
  /** Pool size for Postgres (web and worker processes each have their own; docs/capacity.md). */
  poolSize?: number;
};

/**
 * Runs a raw SQL query and returns its rows. node-postgres and PGlite both
 * answer `{ rows }`, but drizzle's shared type leaves the result opaque.
 */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

// Not database-specific (Redis and Strava calls use them too); re-exported for existing importers.

export function openDatabase(options: DatabaseOptions): Database {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

function openPostgres(url: string, { logger, poolSize = 10 }: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Fail fast when Postgres is unreachable: the webhook must answer 503 within 1.5 s.
    connectionTimeoutMillis: 1_000,
    query_timeout: 10_000,
    statement_timeout: 30_000,
    idleTimeoutMillis: 30_000,
    application_name: 'rampguard',
  });
  // An idle client losing its connection emits here; without a listener the process would crash.
  // Reported to whoever watches the database (src/shared/dependency-health.ts), else logged.
  let onConnectionError = (err: Error) => logger.warn({ err }, 'postgres connection error');
  pool.on('error', (err) => onConnectionError(err));
  // A checked-out client (e.g. inside an open transaction) that loses its connection
  // emits on itself, not on the pool: without this listener Node would crash.
  pool.on('connect', (client) => {
    client.on('error', (err) => onConnectionError(err));
  });
  const db = withReleasingTransactions(drizzlePg(pool, { schema }) as unknown as Db, pool);
  return {
    kind: 'postgres',
    db,
    poolSize,
    lifetime: createLifetimeCell(),
    onConnectionError(listener) {
      onConnectionError = listener;
    },
    ping: (timeoutMs = 1_000) =>
      withDeadline(pool.query('select 1'), timeoutMs, 'database ping').then(() => undefined),
    close: () => pool.end(),
  };
}

/**
 * drizzle-orm 0.45's node-postgres `transaction()` checks a client out of the
 * pool and sends BEGIN before the try/finally that releases it, and releases it
 * without the error (drizzle-orm#6023, #6114). A BEGIN that fails because the
 * connection died (a Postgres restart, a network cut) leaks that client for the
 * life of the process: after a few outages the pool is empty, every query waits
 * out `connectionTimeoutMillis`, and `pool.end()` never returns. A transaction
 * cut by `query_timeout` would go back to the pool still busy. So each
 * transaction checks its client out here, runs drizzle's transaction on that one
 * client (drizzle never releases a plain client), and always gives it back:
 * destroyed after any error, reused after a commit.
 */
function withReleasingTransactions(db: Db, pool: pg.Pool): Db {
  const transaction = async <T>(
    run: (tx: Tx) => Promise<T>,
    config?: Parameters<Db['transaction']>[1],
  ): Promise<T> => {
    const client = await pool.connect();
    let result: T;
    try {
      result = await (drizzlePg(client, { schema }) as unknown as Db).transaction(run, config);
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
    client.release();
    return result;
  };
  return Object.assign(db, { transaction });
}

function openPglite({ dataDir, logger }: DatabaseOptions): Database {
  const dir = path.join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  logger.info({ dir }, 'using the embedded PGlite database (DATABASE_URL is unset)');
  const client = new PGlite(dir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    poolSize: 1,
    lifetime: createLifetimeCell(),
    onConnectionError() {},
    ping: (timeoutMs = 1_000) =>
      withDeadline(db.execute(sql`select 1`), timeoutMs, 'database ping').then(() => undefined),
    close: () => client.close(),
  };
}

/** Opens an in-memory PGlite database (tests). */
export function openMemoryPglite(): Database {
  const client = new PGlite();
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    poolSize: 1,
    lifetime: createLifetimeCell(),
    onConnectionError() {},
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}
