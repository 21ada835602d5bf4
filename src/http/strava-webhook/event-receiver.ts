import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../../app/deps.js';
import { InboxUnavailableError, recordStravaEvent } from '../../app/webhook/record-strava-event.js';
import { isDatabaseUnavailable } from '../../shared/dependency-errors.js';
import { createThrottledWarning } from '../../shared/throttled-log.js';
import { OUTAGE_JSON_MESSAGE, RETRY_AFTER_SECONDS } from '../availability/outage-response.js';
import { databaseAway } from '../availability/require-database.js';
import { createClientIp } from '../client-ip.js';
import { errorAnswer, jsonAnswer, sendJsonAnswer } from './json-answer.js';
import { parseEventBody } from './parse-event-body.js';
import {
  createWebhookRateLimit,
  type RateLimitSlot,
  rateLimitHeaders,
  WEBHOOK_REQUESTS_PER_MINUTE,
} from './rate-limit.js';
import { readCappedBody } from './read-capped-body.js';

/** docs/webhooks.md#input-limits: bodies over 8 KB are refused (413). */
export const MAX_EVENT_BODY_BYTES = 8 * 1024;

export type EventReceiverOptions = {
  /** Per-ip limit; tests and benchmarks that post from one address raise it. */
  requestsPerMinute?: number;
};

/**
 * Answers one delivery and resolves with the status written (0: none, an
 * answer was already under way). Never rejects, never throws.
 */
export type EventReceiver = (req: IncomingMessage, res: ServerResponse) => Promise<number>;

/**
 * Every 200 carries the same body whatever happened, so a stranger posting
 * events cannot tell which athlete ids are RampGuard runners.
 */
const ACK = jsonAnswer(200, { status: 'ok' });
const RATE_LIMITED = errorAnswer(429, 'rate_limited', 'Too many requests');
const WRONG_TYPE = errorAnswer(415, 'unsupported_media_type', 'Content-Type must be application/json');
const ENCODED = errorAnswer(415, 'unsupported_media_type', 'Unsupported content encoding');
const TOO_LARGE = errorAnswer(413, 'payload_too_large', 'Body over 8 KB');
const UNREADABLE = errorAnswer(400, 'bad_request', 'Unreadable body');
const NOT_RECORDED = errorAnswer(503, 'unavailable', 'Event not recorded, please retry');
const OUTAGE = errorAnswer(503, 'unavailable', OUTAGE_JSON_MESSAGE);
const OUTAGE_HEADERS = { 'Retry-After': String(RETRY_AFTER_SECONDS) };
const INTERNAL = errorAnswer(500, 'internal', 'Something went wrong');

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * POST /webhooks/strava (docs/webhooks.md): a plain Node handler, served
 * before express (docs/scaling.md#the-ack-path) and mounted on the express
 * route too. In order: the per-ip limit (429), JSON only (415, checked before
 * the body is read), no content encoding (415: no zip bombs), the body raw
 * with an 8 KB cap (413), the event parsed exactly (400), then the inbox row.
 * 200 only once the row is committed; 503 when the database cannot confirm
 * that in time (Strava retries). The queue write happens after the answer,
 * batched with other requests' (jobs/strava-event/hand-off.ts): if it fails
 * the row is durable and the inbox sweeper adds the job.
 */
export function createEventReceiver(deps: AppDeps, options: EventReceiverOptions = {}): EventReceiver {
  const { metrics } = deps;
  const limiter = createWebhookRateLimit(options.requestsPerMinute ?? WEBHOOK_REQUESTS_PER_MINUTE);
  const clientIp = createClientIp(deps.config.trustProxyHops);
  const refuse = createRefusal(deps);

  async function receive(req: IncomingMessage, res: ServerResponse, giveBack: () => void): Promise<number> {
    if (!isJson(req.headers['content-type'])) {
      metrics.webhookEvents.inc({ outcome: 'rejected_media_type' });
      return sendJsonAnswer(res, WRONG_TYPE);
    }
    if (isEncoded(req)) {
      metrics.webhookEvents.inc({ outcome: 'rejected_media_type' });
      return sendJsonAnswer(res, ENCODED);
    }
    const body = await readCappedBody(req, MAX_EVENT_BODY_BYTES);
    if (body.kind !== 'body') {
      // A cut-off upload was never an answer of ours: it does not count against the limit.
      if (body.kind === 'aborted') giveBack();
      metrics.webhookEvents.inc({
        outcome: body.kind === 'aborted' ? 'rejected_invalid' : 'rejected_too_large',
      });
      return sendJsonAnswer(res, body.kind === 'aborted' ? UNREADABLE : TOO_LARGE);
    }
    const text = decode(body.bytes);
    const parsed = text === undefined ? undefined : parseEventBody(text);
    if (!parsed?.ok) {
      metrics.webhookEvents.inc({ outcome: 'rejected_invalid' });
      return sendJsonAnswer(
        res,
        errorAnswer(400, 'invalid_event', parsed?.message ?? 'Body must be UTF-8 JSON'),
      );
    }
    // Not migrated yet (Postgres away since the start): answer at once, no connection attempt.
    if (databaseAway(deps)) {
      giveBack();
      return refuse(res, undefined);
    }

    let recorded: Awaited<ReturnType<typeof recordStravaEvent>>;
    try {
      recorded = await recordStravaEvent(deps, parsed.event);
    } catch (err) {
      if (!(err instanceof InboxUnavailableError)) throw err;
      giveBack();
      return refuse(res, err.cause);
    }

    // A committed row proves Postgres is back, sooner than the next probe would.
    if (deps.health.state('database') === 'down') deps.health.up('database');
    metrics.webhookEvents.inc({ outcome: recorded.outcome });
    const status = sendJsonAnswer(res, ACK);
    // Behind the ack: the row is committed, so the queue write can wait for the next bulk.
    if (recorded.outcome === 'accepted' || recorded.outcome === 'requeued')
      deps.jobs.handOffStravaEvent(recorded.eventKey);
    return status;
  }

  /** What express's error handlers answered: 503 for a database outage (not counted), else a logged 500. */
  function fail(res: ServerResponse, err: unknown, giveBack: () => void): number {
    if (isDatabaseUnavailable(err)) {
      deps.health.down('database', err);
      giveBack();
      return sendJsonAnswer(res, OUTAGE, OUTAGE_HEADERS);
    }
    deps.logger.error({ err }, 'request failed');
    return sendJsonAnswer(res, INTERNAL);
  }

  return async (req, res) => {
    const ip = clientIp(req) ?? '';
    let slot: RateLimitSlot;
    try {
      slot = limiter.take(ip);
    } catch (err) {
      return fail(res, err, () => undefined);
    }
    if (!slot.allowed) {
      metrics.webhookEvents.inc({ outcome: 'rate_limited' });
      return sendJsonAnswer(res, RATE_LIMITED, rateLimitHeaders(slot));
    }
    // Our own 503s must not count: Strava's retries after an outage would otherwise be refused
    // and the events lost (found by test/fault/postgres-outage).
    const giveBack = () => limiter.giveBack(ip, slot);
    try {
      return await receive(req, res, giveBack);
    } catch (err) {
      try {
        return fail(res, err, giveBack);
      } catch {
        res.destroy();
        return 0;
      }
    }
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
  return (res: ServerResponse, cause: unknown): number => {
    deps.metrics.webhookEvents.inc({ outcome: 'unavailable' });
    if (cause !== undefined && isDatabaseUnavailable(cause)) deps.health.down('database', cause);
    warn(cause === undefined ? { reason: 'database not reached yet' } : { err: cause });
    return sendJsonAnswer(res, NOT_RECORDED);
  };
}

/** JSON only (RFC 8259 is UTF-8, so any charset parameter is ignored). */
function isJson(contentType: string | undefined): boolean {
  if (contentType === 'application/json') return true;
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** A content encoding on a body (we never inflate untrusted input), as body-parser refused it. */
function isEncoded(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined || encoding.toLowerCase() === 'identity') return false;
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

/** Invalid UTF-8 (or no body at all) is malformed JSON. */
function decode(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
