import { sql } from 'drizzle-orm';
import { withDeadline } from '../../db/client.js';
import type { InboxStatus } from '../../db/schema/index.js';
import type { AppDeps } from '../deps.js';
import { getExpectedSubscriptionId } from '../strava-subscription.js';
import { eventKeyOf } from './event-key.js';
import type { StravaEvent } from './strava-event.js';

/**
 * Strava allows 2 s per delivery and we promise a 503 within 1.5 s when
 * Postgres is unreachable (reliability.md A.3): 1.4 s for the database keeps
 * the whole answer inside that. Past it Strava gets a 503 and retries.
 */
export const RECORD_DEADLINE_MS = 1_400;

export type RecordOutcome =
  | { outcome: 'dropped_foreign_subscription' }
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
 * Durably records one event in the inbox before it is acked (reliability.md
 * A.2). Foreign subscriptions and unknown owners are dropped without a row.
 * Without a configured or stored subscription id (sandbox, or before the CLI
 * ran) every subscription_id is accepted: there is nothing to compare against.
 */
export async function recordStravaEvent(deps: AppDeps, event: StravaEvent): Promise<RecordOutcome> {
  try {
    return await withDeadline(record(deps, event), RECORD_DEADLINE_MS, 'webhook inbox write');
  } catch (err) {
    throw new InboxUnavailableError(err);
  }
}

async function record(deps: AppDeps, event: StravaEvent): Promise<RecordOutcome> {
  const expected = await getExpectedSubscriptionId(deps);
  if (expected !== undefined && expected !== event.subscriptionId) {
    return { outcome: 'dropped_foreign_subscription' };
  }
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
 * One round trip: owner lookup, `INSERT … ON CONFLICT DO NOTHING` (never
 * select-then-insert, A.6) and, for a duplicate, the existing row's status.
 * The last sub-select reads the statement's snapshot, which does not include
 * the row inserted by this same statement, so it only sees earlier rows.
 */
async function insertInboxRow(deps: AppDeps, event: StravaEvent, eventKey: string): Promise<RecordRow> {
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
