import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { InboxUnavailableError, recordStravaEvent } from '../../app/webhook/record-strava-event.js';
import { eventHandOffFor } from '../../jobs/strava-event/hand-off.js';
import { errorBody } from '../errors.js';
import { parseEventBody } from './parse-event-body.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Every 200 carries the same body whatever happened, so a stranger posting
 * events cannot tell which athlete ids are RampGuard runners.
 */
const ACK = { status: 'ok' } as const;

/**
 * POST /webhooks/strava (SPEC §4, reliability.md A.2–A.7): validate, record
 * the inbox row, answer, then hand the row to the queue. 200 only once the row
 * is committed; 503 when the database cannot confirm that in time (Strava
 * retries). The queue write happens after the answer, batched with other
 * requests' (jobs/strava-event/hand-off.ts): if it fails the row is durable and
 * the inbox sweeper adds the job.
 */
export function receiveStravaEvent(deps: AppDeps): RequestHandler {
  const { metrics } = deps;
  const handOff = eventHandOffFor(deps.queues, metrics, deps.logger);
  return async (req, res) => {
    const text = decodeBody(req.body);
    const parsed = text === undefined ? undefined : parseEventBody(text);
    if (!parsed?.ok) {
      metrics.webhookEvents.inc({ outcome: 'rejected_invalid' });
      res.status(400).json(errorBody('invalid_event', parsed?.message ?? 'Body must be UTF-8 JSON'));
      return;
    }

    let recorded: Awaited<ReturnType<typeof recordStravaEvent>>;
    try {
      recorded = await recordStravaEvent(deps, parsed.event);
    } catch (err) {
      if (!(err instanceof InboxUnavailableError)) throw err;
      metrics.webhookEvents.inc({ outcome: 'unavailable' });
      req.log.warn(
        { err: { message: String((err.cause as Error)?.message) } },
        'webhook inbox unavailable: 503',
      );
      res.status(503).json(errorBody('unavailable', 'Event not recorded, please retry'));
      return;
    }

    metrics.webhookEvents.inc({ outcome: recorded.outcome });
    res.status(200).json(ACK);
    // Behind the ack: the row is committed, so the queue write can wait for the next bulk.
    if (recorded.outcome === 'accepted' || recorded.outcome === 'requeued') handOff(recorded.eventKey);
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
