import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openMemoryPglite, selectRows } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from '../helpers/db.js';

type Column = {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  column_default: string | null;
};

async function describeSchema(database: Database) {
  const columns = await selectRows<Column>(
    database.db,
    sql`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = 'public'
    order by table_name, column_name`,
  );
  // Newer Postgres (PGlite) also lists NOT NULL as constraints of type 'n': compare the rest.
  const constraints = await selectRows(
    database.db,
    sql`
    select conrelid::regclass::text as table_name, conname, contype, pg_get_constraintdef(oid) as def
    from pg_constraint where connamespace = 'public'::regnamespace and contype in ('p', 'f', 'u', 'c')
    order by 1, 2`,
  );
  const indexes = await selectRows(
    database.db,
    sql`
    select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2`,
  );
  return { columns, constraints, indexes };
}

describe('migrations', () => {
  let postgres: TestDatabase | undefined;
  let pglite: Database | undefined;
  afterAll(async () => {
    await postgres?.drop();
    await pglite?.close();
  });

  it('apply to an empty Postgres and to PGlite, giving the same schema', async () => {
    postgres = await createTestDatabase();
    pglite = openMemoryPglite();
    await migrateDatabase(pglite);
    const [a, b] = await Promise.all([describeSchema(postgres), describeSchema(pglite)]);
    expect(a.columns.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
    const tables = new Set(a.columns.map((c) => c.table_name));
    for (const table of [
      'runners',
      'strava_tokens',
      'runs',
      'shoes',
      'webhook_inbox',
      'detections',
      'plan_versions',
      'check_ins',
      'email_outbox',
      'strava_subscription',
    ]) {
      expect(tables).toContain(table);
    }
  });

  it('are idempotent: applying twice changes nothing', async () => {
    const db = postgres ?? (await createTestDatabase());
    await migrateDatabase(db);
    const [applied] = await selectRows<{ n: number }>(
      db.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(applied?.n).toBeGreaterThan(0);
  });

  it('`npm run db:migrate` migrates an empty database and exits 0', async () => {
    const name = `rg_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const url = new URL(ADMIN_DATABASE_URL);
      url.pathname = `/${name}`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'src/cli/migrate.ts'],
        {
          env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: url.toString() },
        },
      );
      expect(stdout).toContain('Migrations applied');
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      await check.end();
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
