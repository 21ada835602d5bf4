import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { errorBody } from '../errors.js';

/**
 * JSON only (RFC 8259 is UTF-8, so any charset parameter is ignored). Checked
 * before the body is read: a wrong type costs nothing.
 */
export function requireJsonContentType({ metrics }: AppDeps): RequestHandler {
  return (req, res, next) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'application/json') return next();
    metrics.webhookEvents.inc({ outcome: 'rejected_media_type' });
    res.status(415).json(errorBody('unsupported_media_type', 'Content-Type must be application/json'));
  };
}

/**
 * Body-parser failures on the webhook: over 8 KB → 413, a content encoding
 * (we do not inflate: no zip bombs) → 415, an aborted upload → 400. Counted,
 * and answered in the docs/contract.md#error-shape; anything else goes to the app handler.
 */
export function rejectUnreadableBody({ metrics }: AppDeps): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const status = (err as { status?: unknown }).status;
    if (res.headersSent || (status !== 400 && status !== 413 && status !== 415)) return next(err);
    const [outcome, code, message] =
      status === 413
        ? ['rejected_too_large', 'payload_too_large', 'Body over 8 KB']
        : status === 415
          ? ['rejected_media_type', 'unsupported_media_type', 'Unsupported content encoding']
          : ['rejected_invalid', 'bad_request', 'Unreadable body'];
    metrics.webhookEvents.inc({ outcome });
    res.status(status).json(errorBody(code, message));
  };
}
