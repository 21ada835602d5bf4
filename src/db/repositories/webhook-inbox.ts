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

/** A batch as one array per column: a fixed handful of parameters whatever its size. */
type InboxColumns = {
  eventKey: string[];
  objectType: string[];
  objectId: string[];
  aspectType: string[];
  ownerId: string[];
  subscriptionId: string[];
  eventTime: number[];
  /** JSON text, cast to jsonb per row in the statement. */
  updates: string[];
};

function toColumns(events: readonly InboxEvent[]): InboxColumns {
  const columns: InboxColumns = {
    eventKey: [],
    objectType: [],
    objectId: [],
    aspectType: [],
    ownerId: [],
    subscriptionId: [],
    eventTime: [],
    updates: [],
  };
  for (const event of events) {
    columns.eventKey.push(event.eventKey);
    columns.objectType.push(event.objectType);
    columns.objectId.push(event.objectId);
    columns.aspectType.push(event.aspectType);
    columns.ownerId.push(event.ownerId);
    columns.subscriptionId.push(event.subscriptionId);
    columns.eventTime.push(event.eventTime);
    columns.updates.push(JSON.stringify(event.updates));
  }
  return columns;
}

/**
 * The same for a batch, in one round trip and one statement with eight array
 * parameters (`unnest … with ordinality`), whatever the batch size: Postgres
 * parses and plans one short statement instead of a VALUES list of nine
 * parameters per row, which costs it less CPU per row (docs/capacity.md#inbox-writers).
 * Rows come back in input order (`ord`). The same key twice in one batch
 * inserts once: its first occurrence (`occurrence = 1`) reports `inserted`,
 * a later one reads as a concurrent duplicate (status null: in flight), as it
 * would across two statements. `existing` is joined from the statement's
 * snapshot, which does not include the rows this statement inserts, so it only
 * sees rows committed before it (as `insertInboxEvent`'s sub-select).
 */
export async function insertInboxEvents(
  db: DbOrTx,
  events: readonly InboxEvent[],
): Promise<(InboxInsert | undefined)[]> {
  const c = toColumns(events);
  const result = await selectRows<InsertRow & { ord: number }>(
    db,
    sql`
    with input as (
      select (t.ord - 1)::int as ord, t.event_key, t.object_type, t.object_id, t.aspect_type, t.owner_id,
        t.subscription_id, t.event_time, t.updates,
        row_number() over (partition by t.event_key order by t.ord) as occurrence
      from unnest(
        ${sql.param(c.eventKey)}::text[], ${sql.param(c.objectType)}::text[], ${sql.param(c.objectId)}::text[],
        ${sql.param(c.aspectType)}::text[], ${sql.param(c.ownerId)}::text[], ${sql.param(c.subscriptionId)}::text[],
        ${sql.param(c.eventTime)}::double precision[], ${sql.param(c.updates)}::text[]
      ) with ordinality as t (event_key, object_type, object_id, aspect_type, owner_id, subscription_id, event_time, updates, ord)
    ), inserted as (
      insert into webhook_inbox
        (event_key, runner_id, object_type, object_id, aspect_type, owner_id, subscription_id, event_time, updates)
      select input.event_key, runners.id, input.object_type, input.object_id, input.aspect_type, input.owner_id,
        input.subscription_id, to_timestamp(input.event_time), input.updates::jsonb
      from input join runners on runners.athlete_id = input.owner_id
      where input.occurrence = 1
      on conflict (event_key) do nothing
      returning event_key
    )
    select
      input.ord,
      runners.id as runner_id,
      (inserted.event_key is not null) as inserted,
      existing.status as existing_status
    from input
      left join runners on runners.athlete_id = input.owner_id
      left join inserted on inserted.event_key = input.event_key and input.occurrence = 1
      left join webhook_inbox existing on existing.event_key = input.event_key
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
 * concurrent run of the same job (a stalled lock, docs/reliability-rules.md#stalled-jobs) a no-op, and the row
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
