import type { IncomingMessage } from 'node:http';

/** The route's public path (docs/webhooks.md). */
export const STRAVA_WEBHOOK_PATH = '/webhooks/strava';
const WITH_QUERY = `${STRAVA_WEBHOOK_PATH}?`;

/**
 * A Strava event delivery: `POST /webhooks/strava`, with or without a query.
 * These are the requests served before express (src/server.ts,
 * docs/scaling.md#the-ack-path); every other request, the handshake GET
 * included, goes to the express app.
 */
export function isEventDelivery(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  return req.url === STRAVA_WEBHOOK_PATH || req.url?.startsWith(WITH_QUERY) === true;
}
