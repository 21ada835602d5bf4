import { execFile } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStravaSubscription,
  deleteStravaSubscription,
  getExpectedSubscriptionId,
  readStoredSubscription,
  showStravaSubscription,
} from '../../src/app/strava-subscription.js';
import { stravaSubscription } from '../../src/db/schema/index.js';
import { StravaRequestError } from '../../src/integrations/strava/errors.js';
import { createTestContext, type TestContext } from '../helpers/strava.js';

const run = promisify(execFile);

/** Our side of Strava's handshake (the real route is the webhook engineer's): echo when the token matches. */
function startCallback(verifyToken: string) {
  const state = { refuse: false, handshakes: 0 };
  const app = express();
  app.get('/webhooks/strava', (req, res) => {
    state.handshakes++;
    if (
      state.refuse ||
      req.query['hub.verify_token'] !== verifyToken ||
      req.query['hub.mode'] !== 'subscribe'
    ) {
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    res.json({ 'hub.challenge': req.query['hub.challenge'] });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  return { server, state };
}

let ctx: TestContext;
let callback: ReturnType<typeof startCallback>;

beforeAll(async () => {
  callback = startCallback('test-verify-token');
  await once(callback.server, 'listening');
  const port = (callback.server.address() as AddressInfo).port;
  ctx = await createTestContext({ env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
});
afterAll(async () => {
  await ctx?.close();
  await new Promise<void>((resolve) => callback.server.close(() => resolve()));
});

describe('Strava subscription management', () => {
  it('create fails clearly when the callback does not verify, and stores nothing', async () => {
    callback.state.refuse = true;
    try {
      const err = await createStravaSubscription(ctx.deps).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StravaRequestError);
      expect((err as Error).message).toContain('GET to callback URL does not return 200');
      expect((err as Error).message).not.toContain(ctx.deps.config.strava.clientSecret);
      expect(await readStoredSubscription(ctx.deps.db)).toBeNull();
    } finally {
      callback.state.refuse = false;
    }
  });

  it('create → handshake → id stored; a second create adopts it; show lists both views', async () => {
    const created = await createStravaSubscription(ctx.deps);
    expect(created.adopted).toBe(false);
    expect(created.callbackUrl).toBe(`${ctx.deps.config.publicUrl}/webhooks/strava`);
    expect(callback.state.handshakes).toBeGreaterThanOrEqual(1);
    const atSim = await ctx.simControl.listSubscriptions();
    expect(atSim.map((s) => s.id)).toEqual([created.id]);
    expect((await readStoredSubscription(ctx.deps.db))?.subscriptionId).toBe(created.id);
    expect(await getExpectedSubscriptionId(ctx.deps)).toBe(created.id);

    const again = await createStravaSubscription(ctx.deps);
    expect(again).toMatchObject({ id: created.id, adopted: true });

    const shown = await showStravaSubscription(ctx.deps);
    expect(shown.stored?.subscriptionId).toBe(created.id);
    expect(shown.atStrava.map((s) => s.id)).toEqual([created.id]);
    expect(shown.expectedId).toBe(created.id);
  });

  it('the CLI shows it (exit 0, no secrets) and refuses bad usage with exit 1 and no stack trace', async () => {
    const env = { ...process.env, ...ctx.env, LOG_LEVEL: 'warn' };
    const shown = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/strava.ts', 'subscription', 'show'],
      { env },
    );
    const stored = await readStoredSubscription(ctx.deps.db);
    expect(shown.stdout).toContain(`Stored: id ${stored?.subscriptionId}`);
    expect(shown.stdout).toContain(`At Strava: id ${stored?.subscriptionId}`);
    for (const secret of [ctx.deps.config.strava.clientSecret, ctx.deps.config.strava.verifyToken]) {
      expect(shown.stdout + shown.stderr).not.toContain(secret);
    }
    const bad = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/strava.ts', 'subscription', 'frobnicate'],
      { env },
    ).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr.trim()).toBe(
      'usage: npm run strava -- subscription create|show|delete | quota',
    );
  }, 60_000);

  it('a running service picks up a newly stored id within seconds (cache ≤ 5 s)', async () => {
    const before = await getExpectedSubscriptionId(ctx.deps);
    await ctx.deps.db.update(stravaSubscription).set({ subscriptionId: '999999' });
    expect(await getExpectedSubscriptionId(ctx.deps)).toBe(before); // cached
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    expect(await getExpectedSubscriptionId(ctx.deps)).toBe('999999');
    await ctx.deps.db.update(stravaSubscription).set({ subscriptionId: before ?? '' });
    // STRAVA_SUBSCRIPTION_ID wins over the stored row.
    const pinned = {
      ...ctx.deps,
      config: { ...ctx.deps.config, strava: { ...ctx.deps.config.strava, subscriptionId: '42' } },
    };
    expect(await getExpectedSubscriptionId(pinned)).toBe('42');
  }, 15_000);

  it('delete removes it at Strava and the stored row; deleting again is harmless', async () => {
    const stored = await readStoredSubscription(ctx.deps.db);
    const { deletedId } = await deleteStravaSubscription(ctx.deps);
    expect(deletedId).toBe(stored?.subscriptionId);
    expect(await ctx.simControl.listSubscriptions()).toEqual([]);
    expect(await readStoredSubscription(ctx.deps.db)).toBeNull();
    expect(await getExpectedSubscriptionId(ctx.deps)).toBeUndefined();
    expect(await deleteStravaSubscription(ctx.deps)).toEqual({ deletedId: null });
  });
});
