import { sql } from 'drizzle-orm';
import { withDeadline } from '../../db/client.js';
import type { InboxStatus } from '../../db/schema/index.js';
import type { AppDeps } from '../deps.js';
import { getExpectedSubscriptionId } from '../strava-subscription.js';
import { MAX_INBOX_WRITERS, WEB_PAGE_CONNECTIONS } from '../web-connections.js';
import { eventKeyOf } from './event-key.js';
import type { StravaEvent } from './strava-event.js';

/**
 * Strava allows 2 s per delivery and we promise a 503 within 1.5 s when
 * Postgres is unreachable (docs/webhooks.md#ack-deadline): 1.4 s for the database keeps
 * the whole answer inside that. Past it Strava gets a 503 and retries.
 */
export const RECORD_DEADLINE_MS = 1_400;

export type RecordOutcome =
  | { outcome: 'dropped_foreign_subscription' }
  /** No subscription is configured or stored: nothing can tell Strava's events from forged ones. */
  | { outcome: 'dropped_no_subscription' }
  | { outcome: 'dropped_unknown_owner' }
  /** New row, or a duplicate of a row still in flight: (re-)enqueue its job. */
  | { outcome: 'accepted' | 'requeued'; eventKey: string }
  /** Duplicate of a finished row: nothing to do. */
  | { outcome: 'duplicate'; eventKey: string };

/** The database did not answer in time: the event is not recorded and must not be acked. */
export class InboxUnavailableError extends Error {
  constructor(cause: unknown) {
    super('webhook inbox unavailable', { cause });
    this.name = 'InboxUnavailableError';
  }
}

const TERMINAL: ReadonlySet<InboxStatus> = new Set(['done', 'skipped', 'dead']);

type RecordRow = { runner_id: string | null; inserted: boolean; existing_status: InboxStatus | null };

/**
 * Durably records one event in the inbox before it is acked (docs/reliability.md
 * docs/webhooks.md#inbox-before-ack). Foreign subscriptions and unknown owners are dropped without a row.
 * Without a configured or stored subscription id (before the CLI ran) no event
 * is processed: every one of them could be forged, and each would cost Strava
 * calls (docs/strava-quota.md). A warning says so once per process.
 */
export async function recordStravaEvent(deps: AppDeps, event: StravaEvent): Promise<RecordOutcome> {
  try {
    return await withDeadline(record(deps, event), RECORD_DEADLINE_MS, 'webhook inbox write');
  } catch (err) {
    throw new InboxUnavailableError(err);
  }
}

const warnedWithoutSubscription = new WeakSet<object>();

function warnNoSubscriptionOnce(deps: AppDeps): void {
  if (warnedWithoutSubscription.has(deps.db)) return;
  warnedWithoutSubscription.add(deps.db);
  deps.logger.warn(
    'strava event dropped: no webhook subscription is stored or configured; ' +
      'run `npm run strava -- subscription create` or set STRAVA_SUBSCRIPTION_ID',
  );
}

async function record(deps: AppDeps, event: StravaEvent): Promise<RecordOutcome> {
  const expected = await getExpectedSubscriptionId(deps);
  if (expected === undefined) {
    warnNoSubscriptionOnce(deps);
    return { outcome: 'dropped_no_subscription' };
  }
  if (expected !== event.subscriptionId) return { outcome: 'dropped_foreign_subscription' };
  const eventKey = eventKeyOf(event);
  const row = await insertInboxRow(deps, event, eventKey);
  if (row.runner_id === null) return { outcome: 'dropped_unknown_owner' };
  if (row.inserted) return { outcome: 'accepted', eventKey };
  // A concurrent first delivery may not be visible to this statement's snapshot
  // (status null): treat it as in flight. Re-adding its job id is a no-op then.
  if (row.existing_status !== null && TERMINAL.has(row.existing_status))
    return { outcome: 'duplicate', eventKey };
  return { outcome: 'requeued', eventKey };
}

/**
 * Group commit (docs/webhooks.md#inbox-before-ack unchanged: each caller resolves only once
 * its row has committed). Concurrent events of one process share a statement:
 * up to maxInFlight statements run at once, and events arriving while all of
 * them are busy wait for the next one, up to MAX_BATCH rows each. At low load
 * every event is its own statement at once (no timer, no added latency, the
 * single-row statement); under load one commit (and one round trip) covers
 * many rows. A failed statement fails every event in it: none is acked,
 * Strava retries each. At most MAX_INBOX_WRITERS statements at once, fewer
 * when the pool is smaller (docs/capacity.md), so pages keep a connection.
 */
const MAX_BATCH = 100;

function maxInFlight(deps: AppDeps): number {
  return Math.max(1, Math.min(MAX_INBOX_WRITERS, deps.database.poolSize - WEB_PAGE_CONNECTIONS));
}

type PendingRow = {
  event: StravaEvent;
  eventKey: string;
  /** Past this the caller has answered 503: the row is not written (Strava retries it). */
  expiresAt: number;
  resolve(row: RecordRow): void;
  reject(err: unknown): void;
};

type InboxWriter = { queue: PendingRow[]; inFlight: number };

/** One writer per database handle (tests run several apps in one process). */
const writers = new WeakMap<object, InboxWriter>();

function insertInboxRow(deps: AppDeps, event: StravaEvent, eventKey: string): Promise<RecordRow> {
  let writer = writers.get(deps.db);
  if (!writer) {
    writer = { queue: [], inFlight: 0 };
    writers.set(deps.db, writer);
  }
  const w = writer;
  return new Promise<RecordRow>((resolve, reject) => {
    w.queue.push({ event, eventKey, expiresAt: Date.now() + RECORD_DEADLINE_MS, resolve, reject });
    drain(deps, w);
  });
}

function drain(deps: AppDeps, writer: InboxWriter): void {
  while (writer.inFlight < maxInFlight(deps) && writer.queue.length > 0) {
    // While the database is stuck, events whose callers gave up are dropped, not queued without bound.
    const now = Date.now();
    const live = writer.queue.filter((p) => p.expiresAt > now);
    for (const p of writer.queue)
      if (p.expiresAt <= now) p.reject(new Error('inbox write expired in the queue'));
    const batch = live.splice(0, MAX_BATCH);
    writer.queue = live;
    if (batch.length === 0) break;
    writer.inFlight++;
    const only = batch.length === 1 ? batch[0] : undefined;
    (only ? insertOne(deps, only.event, only.eventKey).then((row) => [row]) : insertBatch(deps, batch))
      .then(
        (rows) => {
          for (const [i, p] of batch.entries()) {
            const row = rows[i];
            if (row) p.resolve(row);
            else p.reject(new Error('inbox insert returned no row'));
          }
        },
        (err: unknown) => {
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        writer.inFlight--;
        drain(deps, writer);
      });
  }
}

/**
 * One round trip for one event: owner lookup, `INSERT … ON CONFLICT DO
 * NOTHING` (never select-then-insert, docs/webhooks.md#event-key) and, for a duplicate, the existing
 * row's status. The last sub-select reads the statement's snapshot, which does
 * not include the row inserted by this same statement, so it only sees earlier rows.
 */
async function insertOne(deps: AppDeps, event: StravaEvent, eventKey: string): Promise<RecordRow> {
  // Both drivers (node-postgres, PGlite) answer `{ rows }`; the shared Db type leaves it unknown.
  const result = (await deps.db.execute(sql`
    with runner as (
      select id from runners where athlete_id = ${event.ownerId}
    ), inserted as (
      insert into webhook_inbox
        (event_key, runner_id, object_type, object_id, aspect_type, owner_id, subscription_id, event_time, updates)
      select ${eventKey}, runner.id, ${event.objectType}, ${event.objectId}, ${event.aspectType},
        ${event.ownerId}, ${event.subscriptionId}, to_timestamp(${event.eventTime}), ${JSON.stringify(event.updates)}::jsonb
      from runner
      on conflict (event_key) do nothing
      returning 1
    )
    select
      (select id from runner) as runner_id,
      exists (select 1 from inserted) as inserted,
      (select status from webhook_inbox where event_key = ${eventKey}) as existing_status`)) as unknown as {
    rows: RecordRow[];
  };
  const [row] = result.rows;
  if (!row) throw new Error('inbox insert returned no row');
  return row;
}

/**
 * The same for a batch, in one round trip. Rows come back in input order
 * (`ord`). The same key twice in one batch
 * inserts once; only its first occurrence reports `inserted`, the other one
 * reads as a concurrent duplicate (status null: in flight), as it would across
 * two statements.
 */
async function insertBatch(deps: AppDeps, batch: readonly PendingRow[]): Promise<RecordRow[]> {
  const values = sql.join(
    batch.map(
      ({ event, eventKey }, ord) =>
        sql`(${ord}::int, ${eventKey}::text, ${event.objectType}::text, ${event.objectId}::text, ${event.aspectType}::text, ${event.ownerId}::text, ${event.subscriptionId}::text, ${event.eventTime}::double precision, ${JSON.stringify(event.updates)}::jsonb)`,
    ),
    sql`, `,
  );
  // Both drivers (node-postgres, PGlite) answer `{ rows }`; the shared Db type leaves it unknown.
  const result = (await deps.db.execute(sql`
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
    order by input.ord`)) as unknown as { rows: (RecordRow & { ord: number })[] };
  const rows: RecordRow[] = [];
  for (const row of result.rows) rows[row.ord] = row;
  return rows;
}
