import express, { type RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';

const BODY_LIMIT = '4kb';
const parseJson = express.json({ limit: BODY_LIMIT, type: 'application/json', strict: true });

/**
 * Requests that carry a body must be `application/json` (415 otherwise) and
 * small (413 over 4 KB, docs/reliability-rules.md#body-limits). Requiring JSON also keeps
 * cross-site HTML forms out: they cannot send this content type without a
 * CORS preflight, which we never answer.
 */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || req.method === 'DELETE') {
    return next();
  }
  if (!req.is('application/json')) {
    return next(new AppError('unsupported_media_type', 'Send the body as application/json', 415));
  }
  parseJson(req, res, next);
};
