import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { createEventReceiver, type EventReceiver, type EventReceiverOptions } from './event-receiver.js';
import { handleHandshake } from './handshake.js';

export type StravaWebhookOptions = EventReceiverOptions & {
  /** The process's one receiver (one per-ip limit), shared with the path served before express. */
  receiver?: EventReceiver;
};

/**
 * `/webhooks/strava` in the express app: the subscription handshake (GET) and
 * event intake (POST). A running web role answers `POST /webhooks/strava`
 * before express (src/server.ts, docs/scaling.md#the-ack-path); the same
 * receiver is mounted here for what reaches the app (a trailing slash, tests
 * that drive `createApp` directly). It reads the body itself, raw, so the
 * parser sees the exact text and ids beyond 2^53 keep every digit.
 */
export function createStravaWebhookRouter(deps: AppDeps, options: StravaWebhookOptions = {}): Router {
  const receive = options.receiver ?? createEventReceiver(deps, options);
  const router = Router();
  router.get('/', handleHandshake(deps));
  router.post('/', (req, res) => {
    void receive(req, res);
  });
  return router;
}
