import {
  type InboxEvent,
  type InboxInsert,
  type InboxStatus,
  insertInboxEvent,
  insertInboxEvents,
} from '../../db/repositories/webhook-inbox.js';
import { withDeadline } from '../../shared/deadline.js';
import { createGroupCommit, type GroupCommit } from '../../shared/group-commit.js';
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

/**
 * Durably records one event in the inbox before it is acked (docs/webhooks.md#inbox-before-ack).
 * Foreign subscriptions and unknown owners are dropped without a row.
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
  if (row.runnerId === null) return { outcome: 'dropped_unknown_owner' };
  if (row.inserted) return { outcome: 'accepted', eventKey };
  // A concurrent first delivery may not be visible to this statement's snapshot
  // (status null): treat it as in flight. Re-adding its job id is a no-op then.
  if (row.existingStatus !== null && TERMINAL.has(row.existingStatus))
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
 * Past RECORD_DEADLINE_MS a queued event is not written: its caller has answered 503 (Strava retries it).
 */
const MAX_BATCH = 100;

function maxInFlight(deps: AppDeps): number {
  return Math.max(1, Math.min(MAX_INBOX_WRITERS, deps.database.poolSize - WEB_PAGE_CONNECTIONS));
}

/** One writer per database handle (tests run several apps in one process). */
const writers = new WeakMap<object, GroupCommit<InboxEvent, InboxInsert>>();

function insertInboxRow(deps: AppDeps, event: StravaEvent, eventKey: string): Promise<InboxInsert> {
  let writer = writers.get(deps.db);
  if (!writer) {
    writer = createGroupCommit<InboxEvent, InboxInsert>({
      label: 'inbox write',
      maxBatch: MAX_BATCH,
      maxInFlight: () => maxInFlight(deps),
      deadlineMs: RECORD_DEADLINE_MS,
      now: () => deps.clock.now().getTime(),
      writeOne: (row) => insertInboxEvent(deps.db, row),
      writeBatch: (rows) => insertInboxEvents(deps.db, rows),
    });
    writers.set(deps.db, writer);
  }
  return writer.submit({ ...event, eventKey });
}
