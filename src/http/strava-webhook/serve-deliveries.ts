import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../../app/deps.js';
import { createWebhookAnswerLog } from '../request-logging.js';
import type { EventReceiver } from './event-receiver.js';

/** The route label the express app gave these requests (`baseUrl` + the router's `/`), kept for dashboards. */
const ROUTE_LABEL = '/webhooks/strava/';

type Observer = { observe(seconds: number): void };

/**
 * The delivery path as served before express (src/server.ts,
 * docs/scaling.md#the-ack-path): the receiver, then what the app's middleware
 * did for it — the request duration metric, and a log line for a refusal or a
 * failure (2xx are counted, not logged; one in WEBHOOK_ACK_SAMPLE is).
 */
export function serveEventDeliveries(
  deps: Pick<AppDeps, 'logger' | 'metrics'>,
  receive: EventReceiver,
): (req: IncomingMessage, res: ServerResponse) => void {
  const log = createWebhookAnswerLog(deps.logger);
  // One labelled child per status class, made once: no label hashing per request.
  const durations = new Map<number, Observer>();
  const durationOf = (status: number): Observer => {
    const statusClass = Math.floor(status / 100);
    let observer = durations.get(statusClass);
    if (!observer) {
      observer = deps.metrics.httpDuration.labels({
        method: 'POST',
        route: ROUTE_LABEL,
        status: `${statusClass}xx`,
      });
      durations.set(statusClass, observer);
    }
    return observer;
  };
  return (req, res) => {
    const started = performance.now();
    receive(req, res)
      .then((status) => {
        if (status === 0) return;
        durationOf(status).observe((performance.now() - started) / 1_000);
        log(req, status, started);
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'webhook delivery bookkeeping failed'));
  };
}
