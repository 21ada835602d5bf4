import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openMemoryPglite } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import {
  type InboxEvent,
  insertInboxEvent,
  insertInboxEvents,
} from '../../src/db/repositories/webhook-inbox.js';
import { runners, webhookInbox } from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const ATHLETE = '8101';
const STRANGER = '8102';

let n = 0;
/** A distinct event of `owner`; the key is unique per call unless passed. */
function event(owner = ATHLETE, overrides: Partial<InboxEvent> = {}): InboxEvent {
  n++;
  return {
    eventKey: `ev-batch-${n}`,
    objectType: 'activity',
    objectId: String(9_000_000 + n),
    aspectType: 'update',
    ownerId: owner,
    subscriptionId: '120475',
    eventTime: 1_700_000_000 + n,
    updates: { title: `Run "${n}" \\ with, {quotes}` },
    ...overrides,
  };
}

/**
 * The batch insert of the webhook's group commit (src/db/repositories/webhook-inbox.ts) against
 * both databases RampGuard runs on: the same semantics as one `insertInboxEvent` per event, in
 * input order, whatever duplicates the batch holds.
 */
describe.each([
  ['Postgres', async (): Promise<Database & { drop?(): Promise<void> }> => createTestDatabase()],
  ['PGlite', async (): Promise<Database & { drop?(): Promise<void> }> => openMemoryPglite()],
])('insertInboxEvents on %s', (_name, open) => {
  let database: (Database & { drop?(): Promise<void> }) | TestDatabase;
  let runnerId: string;
  const rowOf = async (key: string) =>
    (await database.db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, key)))[0];

  beforeAll(async () => {
    database = await open();
    if (!('url' in database)) await migrateDatabase(database);
    const [runner] = await database.db.insert(runners).values({ athleteId: ATHLETE }).returning();
    runnerId = runner!.id;
  });
  afterAll(async () => {
    if (database?.drop) await database.drop();
    else await database?.close();
  });

  it('inserts new events with every column as the single-row insert does, in input order', async () => {
    const batch = [event(), event(ATHLETE, { objectType: 'athlete', aspectType: 'create', updates: {} })];
    const single = event();
    expect(await insertInboxEvents(database.db, batch)).toEqual([
      { runnerId, inserted: true, existingStatus: null },
      { runnerId, inserted: true, existingStatus: null },
    ]);
    expect(await insertInboxEvent(database.db, single)).toEqual({
      runnerId,
      inserted: true,
      existingStatus: null,
    });
    const strip = (row: typeof webhookInbox.$inferSelect | undefined) => {
      const { id: _id, eventKey: _key, receivedAt, ...rest } = row!;
      expect(receivedAt).toBeInstanceOf(Date);
      return rest;
    };
    for (const e of [...batch, single]) {
      const row = await rowOf(e.eventKey);
      expect(strip(row)).toEqual({
        runnerId,
        objectType: e.objectType,
        objectId: e.objectId,
        aspectType: e.aspectType,
        ownerId: e.ownerId,
        subscriptionId: e.subscriptionId,
        eventTime: new Date(e.eventTime * 1000),
        updates: e.updates,
        status: 'received',
        attempts: 0,
        lastError: null,
        finishedAt: null,
      });
    }
  });

  it('inserts a key repeated within the batch once: its first occurrence is `inserted`, later ones read as in flight', async () => {
    const a = event();
    const b = event();
    const result = await insertInboxEvents(database.db, [a, b, a, a, b]);
    expect(result).toEqual([
      { runnerId, inserted: true, existingStatus: null },
      { runnerId, inserted: true, existingStatus: null },
      { runnerId, inserted: false, existingStatus: null },
      { runnerId, inserted: false, existingStatus: null },
      { runnerId, inserted: false, existingStatus: null },
    ]);
    const rows = await database.db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, a.eventKey));
    expect(rows).toHaveLength(1);
  });

  it('reports the status of rows already present, for every occurrence, without touching them', async () => {
    const received = event();
    const done = event();
    const dead = event();
    await insertInboxEvents(database.db, [received, done, dead]);
    await database.db
      .update(webhookInbox)
      .set({ status: 'done' })
      .where(eq(webhookInbox.eventKey, done.eventKey));
    await database.db
      .update(webhookInbox)
      .set({ status: 'dead' })
      .where(eq(webhookInbox.eventKey, dead.eventKey));
    const fresh = event();
    const result = await insertInboxEvents(database.db, [done, fresh, received, done, dead]);
    expect(result).toEqual([
      { runnerId, inserted: false, existingStatus: 'done' },
      { runnerId, inserted: true, existingStatus: null },
      { runnerId, inserted: false, existingStatus: 'received' },
      { runnerId, inserted: false, existingStatus: 'done' },
      { runnerId, inserted: false, existingStatus: 'dead' },
    ]);
    expect((await rowOf(done.eventKey))!.status).toBe('done');
  });

  it('writes no row for an unknown owner (runner null) and keeps the others of the batch', async () => {
    const stranger = event(STRANGER);
    const known = event();
    expect(await insertInboxEvents(database.db, [stranger, known, stranger])).toEqual([
      { runnerId: null, inserted: false, existingStatus: null },
      { runnerId, inserted: true, existingStatus: null },
      { runnerId: null, inserted: false, existingStatus: null },
    ]);
    expect(await rowOf(stranger.eventKey)).toBeUndefined();
  });

  it('answers a batch as large as the group commit allows with one result per event', async () => {
    const events = Array.from({ length: 100 }, () => event());
    const result = await insertInboxEvents(database.db, [...events, ...events.slice(0, 10)]);
    expect(result).toHaveLength(110);
    expect(result.filter((r) => r?.inserted)).toHaveLength(100);
    expect(result.slice(100).every((r) => r?.inserted === false && r.existingStatus === null)).toBe(true);
  });
});
