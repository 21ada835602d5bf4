import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { sleep } from '../helpers/fault-harness.js';
import { silentLogger } from '../helpers/logger.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

/**
 * Found by postgres-outage.test.ts (its app's `pool.end()` hung after the outage): drizzle-orm's
 * node-postgres `transaction()` sends BEGIN outside the try/finally that releases its pool client,
 * so every BEGIN that fails on a dying connection leaked a client for good (drizzle-orm#6023,
 * #6114). Twelve loops of short transactions run through a TCP proxy that blackholes Postgres for
 * two seconds; afterwards no client may still be checked out and the pool must still work.
 */
describe('fault: Postgres connections cut under transactions', () => {
  let target: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let database: Database;

  beforeAll(async () => {
    target = await createTestDatabase();
    proxy = await startTcpProxy(Number(new URL(target.url).port || 5432));
    const url = new URL(target.url);
    url.port = String(proxy.port);
    database = openDatabase({ databaseUrl: url.toString(), dataDir: '/nonexistent', logger: silentLogger });
  });
  afterAll(async () => {
    await Promise.race([database?.close(), sleep(5_000)]);
    await proxy?.close();
    await target?.drop();
  });

  it('When connections die mid-transaction, then every pool client comes back and the pool still serves', async () => {
    const pool = (database.db as unknown as { $client: pg.Pool }).$client;
    const errors = new Map<string, number>();
    let stop = false;
    let committed = 0;
    const loops = Array.from({ length: 12 }, async () => {
      while (!stop) {
        try {
          await database.db.transaction(async (tx) => {
            await tx.execute(sql`select pg_sleep(0.005)`);
          });
          committed++;
        } catch (err) {
          const message = (err as Error).message.split('\n')[0] ?? '';
          errors.set(message, (errors.get(message) ?? 0) + 1);
          await sleep(50);
        }
      }
    });
    await sleep(500);
    proxy.setMode('blackhole');
    await sleep(2_000);
    proxy.setMode('pass');
    await sleep(1_500);
    stop = true;
    await Promise.all(loops);
    const checkedOut = pool.totalCount - pool.idleCount;
    console.warn(
      `[ledger] pg-pool-release: ${JSON.stringify({ committed, checkedOut, errors: Object.fromEntries(errors) })}`,
    );

    expect(errors.size).toBeGreaterThan(0);
    expect(checkedOut).toBe(0);
    const closed = await Promise.race([
      database.close().then(() => 'closed'),
      sleep(5_000).then(() => 'hung'),
    ]);
    expect(closed).toBe('closed');
    database = openDatabase({ databaseUrl: target.url, dataDir: '/nonexistent', logger: silentLogger });
    await database.db.transaction(async (tx) => tx.execute(sql`select 1`));
  }, 30_000);
});
