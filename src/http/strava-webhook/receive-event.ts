import type { RequestHandler, Response } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { InboxUnavailableError, recordStravaEvent } from '../../app/webhook/record-strava-event.js';
import { isDatabaseUnavailable } from '../../shared/dependency-errors.js';
import { createThrottledWarning } from '../../shared/throttled-log.js';
import { databaseAway } from '../availability/require-database.js';
import { errorBody } from '../errors.js';
import { parseEventBody } from './parse-event-body.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Every 200 carries the same body whatever happened, so a stranger posting
 * events cannot tell which athlete ids are RampGuard runners.
 */
const ACK = { status: 'ok' } as const;

/**
 * POST /webhooks/strava (docs/webhooks.md, docs/webhooks.md): validate, record
 * the inbox row, answer, then hand the row to the queue. 200 only once the row
 * is committed; 503 when the database cannot confirm that in time (Strava
 * retries). The queue write happens after the answer, batched with other
 * requests' (jobs/strava-event/hand-off.ts): if it fails the row is durable and
 * the inbox sweeper adds the job.
 */
export function receiveStravaEvent(deps: AppDeps): RequestHandler {
  const { metrics } = deps;
  const refuse = createRefusal(deps);
  return async (req, res) => {
    const text = decodeBody(req.body);
    const parsed = text === undefined ? undefined : parseEventBody(text);
    if (!parsed?.ok) {
      metrics.webhookEvents.inc({ outcome: 'rejected_invalid' });
      res.status(400).json(errorBody('invalid_event', parsed?.message ?? 'Body must be UTF-8 JSON'));
      return;
    }
    // Not migrated yet (Postgres away since the start): answer at once, no connection attempt.
    if (databaseAway(deps)) return refuse(res, undefined);

    let recorded: Awaited<ReturnType<typeof recordStravaEvent>>;
    try {
      recorded = await recordStravaEvent(deps, parsed.event);
    } catch (err) {
      if (!(err instanceof InboxUnavailableError)) throw err;
      return refuse(res, err.cause);
    }

    // A committed row proves Postgres is back, sooner than the next probe would.
    if (deps.health.state('database') === 'down') deps.health.up('database');
    metrics.webhookEvents.inc({ outcome: recorded.outcome });
    res.status(200).json(ACK);
    // Behind the ack: the row is committed, so the queue write can wait for the next bulk.
    if (recorded.outcome === 'accepted' || recorded.outcome === 'requeued')
      deps.jobs.handOffStravaEvent(recorded.eventKey);
  };
}

/**
 * 503: the event is not recorded, so it must not be acked; Strava retries it
 * (docs/degradation.md). Counted, reported to the database health when the
 * cause says Postgres is away, and logged at warn: the first one at once, then
 * a summary at most once a minute (an outage means hundreds a second).
 */
function createRefusal(deps: AppDeps) {
  const warn = createThrottledWarning(
    deps.logger,
    'webhook answered 503: event not recorded, Strava retries',
  );
  return (res: Response, cause: unknown): void => {
    deps.metrics.webhookEvents.inc({ outcome: 'unavailable' });
    if (cause !== undefined && isDatabaseUnavailable(cause)) deps.health.down('database', cause);
    warn(cause === undefined ? { reason: 'database not reached yet' } : { err: cause });
    res.status(503).json(errorBody('unavailable', 'Event not recorded, please retry'));
  };
}

/** The raw parser leaves a Buffer (or nothing, for an empty body). Invalid UTF-8 is malformed JSON. */
function decodeBody(body: unknown): string | undefined {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}
