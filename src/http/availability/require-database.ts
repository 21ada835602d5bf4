import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { isDatabaseUnavailable } from '../../shared/dependency-errors.js';
import { STYLESHEET_PATH } from '../pages/stylesheet.js';
import { sendOutage } from './outage-response.js';

/**
 * True until the database has been reached and migrated once. Later outages
 * are not short-circuited: each request tries (the pool gives up within a
 * second), so the first request after Postgres returns succeeds instead of
 * waiting for the next probe.
 */
export function databaseAway(deps: Pick<AppDeps, 'database'>): boolean {
  return !deps.database.lifetime.known();
}

/**
 * Before the feature routes (docs/degradation.md): until the database has been
 * reached and migrated, every page and API answers the outage response at once
 * (later outages answer it through `answerDatabaseOutage`). What needs no database passes: the stylesheet
 * (the outage page uses it), the sandbox simulator, and the webhook, whose
 * router answers its own 503 (Strava must see the right body and metric).
 */
export function requireDatabase(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    if (!databaseAway(deps) || passesWithoutDatabase(req.path)) return next();
    sendOutage(req, res);
  };
}

function passesWithoutDatabase(path: string): boolean {
  return path === STYLESHEET_PATH || path.startsWith('/sim/') || path.startsWith('/webhooks/');
}

/**
 * After the routes, before the generic error handler: a request that failed
 * because Postgres went away is a 503 outage response (not a 500), and the
 * outage is reported once rather than logged per request.
 */
export function answerDatabaseOutage(deps: AppDeps): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (!isDatabaseUnavailable(err)) return next(err);
    deps.health.down('database', err);
    sendOutage(req, res);
  };
}
