import { fileURLToPath } from 'node:url';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database } from './client.js';
import { readLifetimeId } from './lifetime.js';

/** `migrations/` at the repository (or image) root: two levels above src/db and dist/db alike. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Applies drizzle-kit's migrations. Safe to run from several processes at once:
 * drizzle records applied migrations in `drizzle.__drizzle_migrations`, and on
 * Postgres we hold an advisory lock so two starting processes do not race.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    const db = database.db as unknown as NodePgDatabase;
    await db.transaction(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(72010501)');
      await migratePg(tx as unknown as NodePgDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
    });
  }
  // Job ids are namespaced with it from now on (docs/job-ids.md).
  database.lifetime.set(await readLifetimeId(database.db));
}
