import type { Router } from 'express';
import type { SimContext } from '../context.js';
import { defaultApplication } from '../context.js';
import { readQuery } from '../params.js';
import { SimError } from '../sim-error.js';
import { presentControlEvent } from './present.js';
import { ZSendEvent } from './schemas.js';
import { parseBody } from './validate.js';

/** What the simulator sent (webhooks) and received (API calls), and hand-made events. */
export function addLogRoutes(router: Router, ctx: SimContext): void {
  router.get('/events', (req, res) => {
    const status = readQuery(req, 'status');
    const list = ctx.state.events.filter((e) => status === undefined || e.status === status);
    res.json(list.map(presentControlEvent));
  });

  router.delete('/events', (_req, res) => {
    ctx.state.events.length = 0;
    res.status(204).end();
  });

  /**
   * Sends any event through the producer, e.g. a forged deauthorization while the token still
   * works, or a `create` for an activity that does not exist.
   */
  router.post('/events', (req, res) => {
    const { clientId, subscription_id, event_time, ...event } = parseBody(ZSendEvent, req.body);
    const targetClientId = clientId ?? defaultApplication(ctx)?.clientId;
    if (targetClientId === undefined || !ctx.state.subscriptions.has(targetClientId)) {
      throw new SimError(404, 'that application has no push subscription');
    }
    const records = ctx.producer.publish(
      { clientId: targetClientId, event },
      { subscriptionId: subscription_id, eventTime: event_time },
    );
    res.status(201).json(records.map(presentControlEvent));
  });

  router.get('/requests', (req, res) => {
    const path = readQuery(req, 'path');
    const list = ctx.state.requests.filter((r) => path === undefined || r.path.startsWith(path));
    res.json(list);
  });

  router.delete('/requests', (_req, res) => {
    ctx.state.requests.length = 0;
    res.status(204).end();
  });

  router.get('/subscriptions', (_req, res) => {
    res.json([...ctx.state.subscriptions.values()].map(({ verifyToken: _v, ...s }) => s));
  });
}
