import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { type DbOrTx, selectRows } from '../client.js';
import { INBOX_STATUSES, type InboxStatus, webhookInbox } from '../schema/index.js';

export { INBOX_STATUSES, type InboxStatus };

export type InboxRow = typeof webhookInbox.$inferSelect;

/** One validated Strava event and its idempotency key, as the inbox stores it. */
export type InboxEvent = {
  eventKey: string;
  objectType: string;
  objectId: string;
  aspectType: string;
  ownerId: string;
  subscriptionId: string;
  /** Unix seconds. */
  eventTime: number;
  updates: Readonly<Record<string, string>>;
};

/** What recording one event found: its runner (null: unknown owner), whether it is new, else the existing row's status. */
export type InboxInsert = { runnerId: string | null; inserted: boolean; existingStatus: InboxStatus | null };

type InsertRow = { runner_id: string | null; inserted: boolean; existing_status: InboxStatus | null };

function toInsert(row: InsertRow): InboxInsert {
  return { runnerId: row.runner_id, inserted: row.inserted, existingStatus: row.existing_status };
}

/**
 * One round trip for one event: owner lookup, `INSERT … ON CONFLICT DO
 * NOTHING` (never select-then-insert, docs/webhooks.md#event-key) and, for a duplicate, the existing
 * row's status. The last sub-select reads the statement's snapshot, which does
 * not include the row inserted by this same statement, so it only sees earlier rows.
 */
export async function insertInboxEvent(db: DbOrTx, event: InboxEvent): Promise<InboxInsert> {
  const [row] = await selectRows<InsertRow>(
    db,
    sql`
    with runner as (
      select id from runners where athlete_id = ${event.ownerId}
    ), inserted as (
      insert into webhook_inbox
        (event_key, runner_id, object_type, object_id, aspect_type, owner_id, subscription_id, event_time, updates)
      select ${event.eventKey}, runner.id, ${event.objectType}, ${event.objectId}, ${event.aspectType},
        ${event.ownerId}, ${event.subscriptionId}, to_timestamp(${event.eventTime}), ${JSON.stringify(event.updates)}::jsonb
      from runner
      on conflict (event_key) do nothing
      returning 1
    )
    select
      (select id from runner) as runner_id,
      exists (select 1 from inserted) as inserted,
      (select status from webhook_inbox where event_key = ${event.eventKey}) as existing_status`,
  );
  if (!row) throw new Error('inbox insert returned no row');
  return toInsert(row);
}

/**
 * The same for a batch, in one round trip. Rows come back in input order
 * (`ord`). The same key twice in one batch
 * inserts once; only its first occurrence reports `inserted`, the other one
 * reads as a concurrent duplicate (status null: in flight), as it would across
 * two statements.
 */
export async function insertInboxEvents(
  db: DbOrTx,
  events: readonly InboxEvent[],
): Promise<(InboxInsert | undefined)[]> {
  const values = sql.join(
    events.map(
      (event, ord) =>
        sql`(${ord}::int, ${event.eventKey}::text, ${event.objectType}::text, ${event.objectId}::text, ${event.aspectType}::text, ${event.ownerId}::text, ${event.subscriptionId}::text, ${event.eventTime}::double precision, ${JSON.stringify(event.updates)}::jsonb)`,
    ),
    sql`, `,
  );
  const result = await selectRows<InsertRow & { ord: number }>(
    db,
    sql`
    with input (ord, event_key, object_type, object_id, aspect_type, owner_id, subscription_id, event_time, updates) as (
      values ${values}
    ), inserted as (
      insert into webhook_inbox
        (event_key, runner_id, object_type, object_id, aspect_type, owner_id, subscription_id, event_time, updates)
      select distinct on (input.event_key) input.event_key, runners.id, input.object_type, input.object_id,
        input.aspect_type, input.owner_id, input.subscription_id, to_timestamp(input.event_time), input.updates
      from input join runners on runners.athlete_id = input.owner_id
      order by input.event_key, input.ord
      on conflict (event_key) do nothing
      returning event_key
    )
    select
      input.ord,
      runners.id as runner_id,
      (exists (select 1 from inserted where inserted.event_key = input.event_key)
        and input.ord = (select min(first.ord) from input first where first.event_key = input.event_key)) as inserted,
      (select status from webhook_inbox where webhook_inbox.event_key = input.event_key) as existing_status
    from input left join runners on runners.athlete_id = input.owner_id
    order by input.ord`,
  );
  const rows: (InboxInsert | undefined)[] = [];
  for (const row of result) rows[row.ord] = toInsert(row);
  return rows;
}

export async function findInboxRow(db: DbOrTx, eventKey: string): Promise<InboxRow | undefined> {
  const [row] = await db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, eventKey));
  return row;
}

/**
 * Finishes a row that is still `received`. The status guard makes a second,
 * concurrent run of the same job (a stalled lock, docs/reliability.md#stalled-jobs) a no-op, and the row
 * lock it takes serializes the two. Returns whether this call finished it.
 */
export async function finishInboxRow(
  db: DbOrTx,
  eventKey: string,
  status: 'done' | 'skipped',
  now: Date,
): Promise<boolean> {
  const rows = await db
    .update(webhookInbox)
    .set({ status, finishedAt: now, attempts: sql`${webhookInbox.attempts} + 1` })
    .where(and(eq(webhookInbox.eventKey, eventKey), eq(webhookInbox.status, 'received')))
    .returning({ id: webhookInbox.id });
  return rows.length > 0;
}

/** Counts a failed attempt; the final one marks the row `dead` (never re-enqueued by the sweeper). */
export async function recordInboxFailure(
  db: DbOrTx,
  eventKey: string,
  error: string,
  final: boolean,
  now: Date,
): Promise<void> {
  await db
    .update(webhookInbox)
    .set({
      attempts: sql`${webhookInbox.attempts} + 1`,
      lastError: error.slice(0, 500),
      ...(final ? { status: 'dead' as const, finishedAt: now } : {}),
    })
    .where(and(eq(webhookInbox.eventKey, eventKey), eq(webhookInbox.status, 'received')));
}

/** Keys of rows still `received` since before `cutoff`, oldest first. */
export async function loadStaleInboxKeys(db: DbOrTx, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ eventKey: webhookInbox.eventKey })
    .from(webhookInbox)
    .where(and(eq(webhookInbox.status, 'received'), lt(webhookInbox.receivedAt, cutoff)))
    .orderBy(asc(webhookInbox.receivedAt))
    .limit(limit);
  return rows.map((r) => r.eventKey);
}

/** Deletes up to `batchSize` rows finished before `cutoff` in one statement; returns how many went. */
export async function deleteFinishedInboxBatch(db: DbOrTx, cutoff: Date, batchSize: number): Promise<number> {
  const ids = db
    .select({ id: webhookInbox.id })
    .from(webhookInbox)
    .where(lt(webhookInbox.finishedAt, cutoff))
    .limit(batchSize);
  const rows = await db
    .delete(webhookInbox)
    .where(inArray(webhookInbox.id, ids))
    .returning({ id: webhookInbox.id });
  return rows.length;
}

/** The runner's activity events recorded since `since`, whatever their status. */
export async function loadActivityEventsSince(db: DbOrTx, runnerId: string, since: Date) {
  return db
    .select({
      objectId: webhookInbox.objectId,
      aspectType: webhookInbox.aspectType,
      updates: webhookInbox.updates,
      eventTime: webhookInbox.eventTime,
    })
    .from(webhookInbox)
    .where(
      and(
        // Every status: the (status, received_at) index serves the range.
        inArray(webhookInbox.status, [...INBOX_STATUSES]),
        gte(webhookInbox.receivedAt, since),
        eq(webhookInbox.runnerId, runnerId),
        eq(webhookInbox.objectType, 'activity'),
      ),
    );
}
