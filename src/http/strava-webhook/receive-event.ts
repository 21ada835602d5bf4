import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { InboxUnavailableError, recordStravaEvent } from '../../app/webhook/record-strava-event.js';
import { enqueueStravaEvent } from '../../jobs/strava-event/enqueue.js';
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
 * the inbox row, enqueue, answer. 200 only once the row is committed; 503
 * when the database cannot confirm that in time (Strava retries). A failed
 * enqueue still answers 200: the row is durable and the sweeper adds the job.
 */
export function receiveStravaEvent(deps: AppDeps): RequestHandler {
  const { metrics } = deps;
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

    if (recorded.outcome === 'accepted' || recorded.outcome === 'requeued') {
      try {
        await enqueueStravaEvent(deps.queues, recorded.eventKey);
      } catch (err) {
        metrics.webhookEvents.inc({ outcome: 'recorded_not_enqueued' });
        req.log.warn(
          { eventKey: recorded.eventKey, err: { message: (err as Error).message } },
          'event recorded but not enqueued; the inbox sweeper will enqueue it',
        );
        res.status(200).json(ACK);
        return;
      }
    }
    metrics.webhookEvents.inc({ outcome: recorded.outcome });
    res.status(200).json(ACK);
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
