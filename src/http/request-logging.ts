import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { shapeError } from '../shared/error-shape.js';
import type { Logger } from '../shared/logger.js';
import { isEventDelivery } from './strava-webhook/is-event-delivery.js';

/** Query parameters that carry secrets: OAuth codes, one-click and calendar tokens. */
const SECRET_QUERY_KEYS = new Set([
  'code',
  'state',
  'token',
  'hub.verify_token',
  'access_token',
  'refresh_token',
  'client_secret',
]);

/** `/path?code=abc&x=1` → `/path?code=[redacted]&x=1`: URLs are logged without their secrets. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_QUERY_KEYS.has(key)) params.set(key, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

/**
 * Strava's event deliveries are the one high-rate route: at 1,000 events/s a
 * child logger, a request id and a log line per ack are a tenth of the
 * request's CPU (bench/RESULTS.md, issue 19). Acks are counted in
 * `rampguard_webhook_events_total` instead; refusals and failures are logged
 * (503s by the handler, at most a line a minute: docs/degradation.md), and one
 * success in WEBHOOK_ACK_SAMPLE at debug level (docs/scaling.md).
 */
export const WEBHOOK_ACK_SAMPLE = 1_000;

export function createRequestLogger(logger: Logger): RequestHandler {
  const full = createFullRequestLogger(logger);
  const acks = createWebhookAckLogger(logger);
  return (req, res, next) => (isEventDelivery(req) ? acks(req, res, next) : full(req, res, next));
}

/**
 * The one log line a webhook delivery may get, given its answer: none for a
 * 2xx (but one in WEBHOOK_ACK_SAMPLE at debug) or a 503 (the handler logs
 * those, throttled: an outage means hundreds a second), info for another 4xx,
 * warn for another 5xx. Called by the delivery path served before express
 * (docs/scaling.md#the-ack-path) and, for the app's own requests, on finish.
 */
export function createWebhookAnswerLog(logger: Logger) {
  let successes = 0;
  return (req: IncomingMessage, status: number, startedAt: number): void => {
    const sampled = status < 400 && ++successes % WEBHOOK_ACK_SAMPLE === 0;
    if ((status < 400 && !sampled) || status === 503) return;
    const level = status >= 500 ? 'warn' : status >= 400 ? 'info' : 'debug';
    logger[level](
      {
        req: { method: req.method, url: redactUrl(req.url) },
        res: { statusCode: status },
        responseTime: Math.round(performance.now() - startedAt),
        ...(sampled ? { sampledOneIn: WEBHOOK_ACK_SAMPLE } : {}),
      },
      'request completed',
    );
  };
}

function createWebhookAckLogger(logger: Logger): RequestHandler {
  const log = createWebhookAnswerLog(logger);
  return (req, res, next) => {
    // The handlers log through req.log; the shared logger is enough here (no per-request child).
    req.log = logger;
    const started = performance.now();
    res.once('finish', () => log(req, res.statusCode, started));
    next();
  };
}

function createFullRequestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Health probes and metric scrapes would drown everything else.
    autoLogging: {
      ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
    // Our serializers see the raw objects: pino's standard ones would copy an error's message and every field first.
    wrapSerializers: false,
    serializers: {
      // Errors by shape, the same serializer as every other log line (docs/errors.md).
      err: shapeError,
      // Only what an operator needs; never headers (cookies, authorization) or bodies.
      req: (req: IncomingMessage & { id?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
  });
}
