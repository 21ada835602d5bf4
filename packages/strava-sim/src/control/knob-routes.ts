import type { Router } from 'express';
import type { SimContext } from '../context.js';
import { SimError } from '../sim-error.js';
import { ZClock, ZFault, ZLimits, ZProducerSettings, ZSettings } from './schemas.js';
import { parseBody } from './validate.js';

function presentClock(ctx: SimContext) {
  return { now: ctx.clock.now().toISOString(), offsetMs: ctx.clock.offsetMs() };
}

function presentLimits(ctx: SimContext) {
  const usage = Object.fromEntries(
    [...ctx.state.applications.keys()].map((clientId) => [clientId, ctx.rateLimiter.usage(clientId)]),
  );
  return { limits: ctx.rateLimiter.limits(), usage };
}

/** Rate limits, faults, clock, producer behaviour, token lifetimes and the big reset. */
export function addKnobRoutes(router: Router, ctx: SimContext): void {
  router.get('/limits', (_req, res) => {
    res.json(presentLimits(ctx));
  });

  router.put('/limits', (req, res) => {
    ctx.rateLimiter.setLimits(parseBody(ZLimits, req.body));
    res.json(presentLimits(ctx));
  });

  router.post('/limits/reset-usage', (_req, res) => {
    ctx.rateLimiter.resetUsage();
    res.json(presentLimits(ctx));
  });

  router.get('/faults', (_req, res) => {
    res.json(ctx.faults.list());
  });

  router.post('/faults', (req, res) => {
    res.status(201).json(ctx.faults.add(parseBody(ZFault, req.body)));
  });

  router.delete('/faults', (_req, res) => {
    ctx.faults.clear();
    res.status(204).end();
  });

  router.delete('/faults/:id', (req, res) => {
    if (!ctx.faults.remove(req.params.id)) throw new SimError(404, `fault ${req.params.id} not found`);
    res.status(204).end();
  });

  router.get('/clock', (_req, res) => {
    res.json(presentClock(ctx));
  });

  /** Moves simulated time: token expiry and rate-limit windows follow it. */
  router.post('/clock', (req, res) => {
    const body = parseBody(ZClock, req.body);
    if (body.reset) ctx.clock.reset();
    if (body.set !== undefined) ctx.clock.set(new Date(body.set));
    if (body.advanceSeconds !== undefined) ctx.clock.advance(body.advanceSeconds * 1000);
    if (body.advanceMs !== undefined) ctx.clock.advance(body.advanceMs);
    res.json(presentClock(ctx));
  });

  router.get('/producer', (_req, res) => {
    res.json({ settings: ctx.producer.settings(), pending: ctx.producer.pendingCount() });
  });

  router.put('/producer', (req, res) => {
    res.json({ settings: ctx.producer.configure(parseBody(ZProducerSettings, req.body)) });
  });

  /** Answers once every pending delivery (retries included) has finished. */
  router.post('/producer/flush', async (_req, res) => {
    await ctx.producer.flush();
    res.json({ pending: ctx.producer.pendingCount() });
  });

  router.get('/settings', (_req, res) => {
    res.json(ctx.state.settings);
  });

  router.put('/settings', (req, res) => {
    Object.assign(ctx.state.settings, parseBody(ZSettings, req.body));
    res.json(ctx.state.settings);
  });

  router.post('/reset', async (_req, res) => {
    await ctx.reset();
    res.status(204).end();
  });
}
