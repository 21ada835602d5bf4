import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { type Db, selectRows } from '../../src/db/client.js';

/**
 * Searches every store RampGuard writes to for given strings (a runner's ids,
 * address and name; tokens; codes): every row of every table in Postgres,
 * every key of a Redis (names and values of every type), every file under a
 * directory. Returns where each needle was found, so a failing assertion says
 * what leaked where. Needles made only of digits match whole numbers only.
 */
export type Found = { needle: string; where: string }[];

export function containsNeedle(text: string, needle: string): boolean {
  if (/^\d+$/.test(needle)) return new RegExp(`(^|\\D)${needle}(\\D|$)`).test(text);
  return text.toLowerCase().includes(needle.toLowerCase());
}

function match(text: string, needles: readonly string[], where: string, found: Found): void {
  for (const needle of needles) if (containsNeedle(text, needle)) found.push({ needle, where });
}

export async function scanPostgres(db: Db, needles: readonly string[]): Promise<Found> {
  const found: Found = [];
  const tables = await selectRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  for (const { table_name } of tables) {
    const rows = await selectRows<{ row: string }>(
      db,
      sql`select t::text as row from ${sql.identifier(table_name)} t`,
    );
    for (const { row } of rows) match(row, needles, `postgres ${table_name}`, found);
  }
  return found;
}

/** Every key of the Redis at `url` (use a private redis-server: the shared one holds other tests' keys). */
export async function scanRedis(url: string, needles: readonly string[]): Promise<Found> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const found: Found = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 1_000);
      cursor = next;
      for (const key of keys) {
        match(key, needles, `redis key name ${key}`, found);
        match(await dumpValue(redis, key), needles, `redis ${key}`, found);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return found;
}

async function dumpValue(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

export async function scanDirectory(dir: string, needles: readonly string[]): Promise<Found> {
  const found: Found = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    match(entry.name, needles, `file name ${file}`, found);
    match(await readFile(file, 'utf8'), needles, `file ${file}`, found);
  }
  return found;
}
