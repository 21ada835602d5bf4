import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { AppDeps } from '../app/deps.js';
import type { ProcessDeps } from '../jobs/process-deps.js';
import { requireBasicAuth } from './admin/basic-auth.js';
import { createDashboard } from './admin/dashboard.js';
import { answerDatabaseOutage, requireDatabase } from './availability/require-database.js';
import { handleErrors, notFound } from './errors.js';
import { watchForwardedProto } from './forwarded-proto-check.js';
import { createOpsRouter, type ReadinessOptions } from './ops/routes.js';
import { createRequestLogger } from './request-logging.js';

export type Mount = { path: string; router: Router };

/**
 * Builds the express app: security headers, request ids and logs, metrics,
 * then the routers, then the one error handler. Routers come in from
 * `routes.ts` so this file never grows with features.
 */
export function createApp(
  deps: ProcessDeps,
  mounts: Mount[] = [],
  readiness: ReadinessOptions = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  // The exact number of proxy hops: a spoofed X-Forwarded-For cannot change the client ip (docs/front-door.md#proxies).
  app.set('trust proxy', deps.config.trustProxyHops);
  const forwardedProto = watchForwardedProto(deps);
  if (forwardedProto) app.use(forwardedProto);
  app.use(createRequestLogger(deps.logger));
  app.use(recordDuration(deps));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'", ...formTargets(deps)],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: deps.config.publicUrl.startsWith('https:') ? [] : null,
        },
      },
      strictTransportSecurity: deps.config.isProduction,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    }),
  );
  app.use(createOpsRouter(deps, readiness));
  if (deps.config.adminPassword) {
    const dashboard = createDashboard(deps.queues);
    app.use(dashboard.path, requireBasicAuth(deps, deps.config.adminPassword), dashboard.router);
  }
  // While Postgres is away, pages and APIs answer the outage response at once (docs/degradation.md).
  if (mounts.length > 0) app.use(requireDatabase(deps));
  for (const mount of mounts) app.use(mount.path, mount.router);
  app.use(notFound(deps.config));
  app.use(answerDatabaseOutage(deps));
  app.use(handleErrors(deps.config));
  return app;
}

/** Forms may post to Strava's OAuth host (the consent page is theirs, not ours). */
function formTargets(deps: AppDeps): string[] {
  return [new URL(deps.config.strava.oauthUrl).origin];
}

/** Durations are labelled by route pattern (`/api/plan`), never by raw URL (no ids in labels). */
function recordDuration({ metrics }: AppDeps): express.RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
      end({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
    });
    next();
  };
}
