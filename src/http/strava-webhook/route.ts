import express, { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { handleHandshake } from './handshake.js';
import { limitWebhookRate } from './rate-limit.js';
import { receiveStravaEvent } from './receive-event.js';
import { rejectUnreadableBody, requireJsonContentType } from './reject-body.js';

/** docs/webhooks.md: bodies over 8 KB are refused (413). */
export const MAX_EVENT_BODY_BYTES = 8 * 1024;

export type StravaWebhookOptions = {
  /** Per-ip limit; tests and benchmarks that post from one address raise it. */
  requestsPerMinute?: number;
};

/**
 * `/webhooks/strava`: the subscription handshake (GET) and event intake
 * (POST). The body is read raw, not with express.json, so the parser sees the
 * exact text and ids beyond 2^53 keep every digit.
 */
export function createStravaWebhookRouter(deps: AppDeps, options: StravaWebhookOptions = {}): Router {
  const router = Router();
  router.get('/', handleHandshake(deps));
  router.post(
    '/',
    limitWebhookRate(deps, options.requestsPerMinute),
    requireJsonContentType(deps),
    express.raw({ type: () => true, limit: MAX_EVENT_BODY_BYTES, inflate: false }),
    receiveStravaEvent(deps),
  );
  router.use(rejectUnreadableBody(deps));
  return router;
}
