import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './handle.js';

/**
 * The identity of one database lifetime (docs/job-ids.md). Job ids and
 * Message-IDs are derived from row ids, which a restored or recreated
 * database hands out again; namespaced with this id, they never meet the jobs
 * (or the mail) of the database that came before.
 *
 * Derived from Postgres' system identifier (new for every cluster: `initdb`,
 * a fresh PGlite directory, a restore into another server) and the database's
 * oid (new for every `CREATE DATABASE`, including a copy from a template or a
 * `pg_restore` into a new database). Nothing is stored: a logical restore
 * carries every row of the old database, so an id kept in a table would come
 * back with it. Work namespaced under a previous id is not lost, only no
 * longer deduplicated against new adds: the sweepers re-enqueue from Postgres
 * and every job is idempotent.
 */
export type DatabaseLifetime = {
  /** The id; throws before the database has been reached once (nothing enqueues before that). */
  id(): string;
  known(): boolean;
  set(id: string): void;
};

export function createLifetimeCell(): DatabaseLifetime {
  let value: string | undefined;
  return {
    id() {
      if (value === undefined) throw new Error('the database lifetime is not known yet');
      return value;
    },
    known: () => value !== undefined,
    set(id) {
      value = id;
    },
  };
}

/** `db` + 10 hex digits: short, no `:` (BullMQ job ids), never all digits. */
export async function readLifetimeId(db: DbOrTx): Promise<string> {
  const [oid] = await rows<{ value: string }>(
    db,
    sql`select oid::text as value from pg_database where datname = current_database()`,
  );
  // A hardened server may refuse pg_control_system() to the app's role: the oid alone still
  // tells recreated databases apart (docs/job-ids.md says what it then misses).
  const [system] = await rows<{ value: string }>(
    db,
    sql`select system_identifier::text as value from pg_control_system()`,
  ).catch(() => [{ value: 'unreadable' }]);
  if (!oid?.value) throw new Error('cannot read the database oid');
  const digest = createHash('sha256')
    .update(`${system?.value ?? 'unreadable'}/${oid.value}`)
    .digest('hex');
  return `db${digest.slice(0, 10)}`;
}

async function rows<T>(db: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}
