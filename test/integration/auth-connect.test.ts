import { DEFAULT_APPLICATION } from '@rampguard/strava-sim';
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runners } from '../../src/db/schema/index.js';
import { AUTH_START_RATE_LIMIT } from '../../src/http/auth/router.js';
import type { Clock } from '../../src/shared/clock.js';

import {
  CookieJar,
  connectBrowser,
  connectRunnerViaBrowser,
  type Harness,
  queryRows,
  setCookieLine,
  startHarness,
  stateCookieLine,
  stateCookieNames,
  stopHarness,
} from '../helpers/web-harness.js';

async function tokenExchanges(h: Harness): Promise<number> {
  return (await h.simControl.listRequests('/oauth/token')).length;
}

/** Every table's rows as text, to grep for values that must never be stored. */
async function dumpAllRows(h: Harness): Promise<string> {
  const tables = await queryRows<{ table_name: string }>(
    h,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  let text = '';
  for (const { table_name } of tables) {
    const rows = await queryRows<{ row: string }>(
      h,
      sql`select t::text as row from ${sql.identifier(table_name)} t`,
    );
    text += rows.map((r) => r.row).join('\n');
  }
  return text;
}

const offset = { ms: 0 };
const clock: Clock = { now: () => new Date(Date.now() + offset.ms) };

describe('Strava sign-in (GET /auth/strava, callback, logout)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({}, { clock });
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('When a runner starts sign-in, then they go to Strava with a fresh state bound to a cookie', async () => {
    const res = await request(h.app.url).get('/auth/strava').expect(302);
    const url = new URL(res.headers.location as string);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.oauthUrl}/authorize`);
    const p = url.searchParams;
    expect(p.get('client_id')).toBe(DEFAULT_APPLICATION.clientId);
    expect(p.get('redirect_uri')).toBe('http://localhost:3999/auth/strava/callback');
    expect(p.get('response_type')).toBe('code');
    expect(p.get('approval_prompt')).toBe('auto');
    expect(p.get('scope')).toBe('read,activity:read_all,profile:read_all');
    const state = p.get('state') ?? '';
    expect(Buffer.from(state, 'base64url').length).toBeGreaterThanOrEqual(16);
    const cookie = stateCookieLine(res) ?? '';
    expect(cookie).toMatch(new RegExp(`^rg_oauth_state_[0-9a-f]{16}=[0-9a-z]+\\.${state};`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=600/);
    expect(cookie).not.toMatch(/Secure/);
    // Two starts never share a state.
    const again = await request(h.app.url).get('/auth/strava').expect(302);
    expect(new URL(again.headers.location as string).searchParams.get('state')).not.toBe(state);
  });

  it('When a runner approves on Strava, then they are connected, signed in, and sent to onboarding', async () => {
    const exchangesBefore = await tokenExchanges(h);
    const flow = await connectBrowser(h, { firstname: 'Grace' });
    expect(flow.callback.status).toBe(303);
    expect(flow.callback.headers.location).toBe('/onboarding');
    expect(await tokenExchanges(h)).toBe(exchangesBefore + 1);

    const cookie = setCookieLine(flow.callback, 'rg_session') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).not.toMatch(/Domain=/i);
    // The state cookie is spent.
    expect(stateCookieNames(flow.jar)).toEqual([]);

    const me = await request(h.app.url).get('/api/me').set('Cookie', flow.jar.header()).expect(200);
    expect(me.body).toMatchObject({
      firstname: 'Grace',
      email: null,
      emailVerified: false,
      sandbox: false,
      missingScopes: [],
      backfill: { status: 'pending', runs: 0 },
    });
    expect(typeof me.body.athleteId).toBe('string');

    const [runner] = await h.app.deps.db
      .select()
      .from(runners)
      .where(eq(runners.athleteId, me.body.athleteId));
    expect(runner).toMatchObject({ scopes: 'read,activity:read_all,profile:read_all', disconnectedAt: null });
    expect(runner!.analysisDueAt).not.toBeNull();
    // The plan starts at connect: version 1, daily.
    const plan = await request(h.app.url).get('/api/plan').set('Cookie', flow.jar.header()).expect(200);
    expect(plan.body).toMatchObject({ phase: 'daily', sessionsPerWeek: 7, reasons: [], seePhysio: false });
    expect(plan.body.history).toHaveLength(1);
    // The first analysis (backfill) was requested: one debounced job for this runner.
    const jobs = await h.app.deps.queues.analysis.getJobs(['delayed', 'waiting', 'active', 'completed']);
    expect(jobs.filter((j) => j.data.runnerId === runner!.id)).toHaveLength(1);
    expect(JSON.stringify(jobs.map((j) => j.data))).not.toMatch(/token|code/i);
  });

  it('When tokens are stored, then no table holds a token the simulator issued', async () => {
    await connectRunnerViaBrowser(h, { firstname: 'Tokens' });
    const state = h.sim.simulator.state;
    const secrets = [...state.accessTokens.keys(), ...state.refreshTokens.keys()];
    expect(secrets.length).toBeGreaterThan(0);
    const dump = await dumpAllRows(h);
    for (const secret of secrets) expect(dump).not.toContain(secret);
    expect(dump).toMatch(/v1:[0-9a-f]{8}:/);
  });

  describe('state checks: no token exchange unless the state is ours, fresh, unused and bound to this browser', () => {
    it('When the state is missing, then 400', async () => {
      const before = await tokenExchanges(h);
      const jar = new CookieJar();
      jar.update(await request(h.app.url).get('/auth/strava'));
      const res = await request(h.app.url)
        .get('/auth/strava/callback?code=abc&scope=read')
        .set('Cookie', jar.header())
        .expect(400);
      expect(res.text).toContain('Nothing was connected');
      expect(await tokenExchanges(h)).toBe(before);
    });

    it('When the callback carries a state from another browser (forged link), then 400 and no exchange', async () => {
      const before = await tokenExchanges(h);
      // The victim has started their own sign-in; the attacker's callback URL (with the
      // attacker's valid code and state) is opened in the victim's browser.
      const victim = new CookieJar();
      victim.update(await request(h.app.url).get('/auth/strava').expect(302));
      const forged = await connectBrowser(h, { firstname: 'Mallory', callbackCookie: () => victim.header() });
      expect(forged.callback.status).toBe(400);
      expect(await tokenExchanges(h)).toBe(before);
    });

    it('When the callback comes without the state cookie, then 400 and no exchange', async () => {
      const before = await tokenExchanges(h);
      const flow = await connectBrowser(h, { firstname: 'NoCookie', callbackCookie: () => '' });
      expect(flow.callback.status).toBe(400);
      const code = new URL(flow.callbackPath, 'http://x').searchParams.get('code') ?? '';
      expect(flow.callback.text).not.toContain(code);
      expect(await tokenExchanges(h)).toBe(before);
    });

    it('When a used state is replayed (same cookie, same URL), then 400 and no second exchange', async () => {
      const jar = new CookieJar();
      let stateCookie = '';
      const flow = await connectBrowser(h, {
        jar,
        firstname: 'Replay',
        beforeCallback: () => {
          stateCookie = jar.header();
        },
      });
      expect(flow.callback.status).toBe(303);
      const before = await tokenExchanges(h);
      await request(h.app.url).get(flow.callbackPath).set('Cookie', stateCookie).expect(400);
      expect(await tokenExchanges(h)).toBe(before);
    });

    it('When the state is older than 10 minutes, then 400 and no exchange', async () => {
      const before = await tokenExchanges(h);
      try {
        const flow = await connectBrowser(h, {
          firstname: 'Late',
          beforeCallback: () => {
            offset.ms = 10 * 60_000 + 1_000;
          },
        });
        expect(flow.callback.status).toBe(400);
      } finally {
        offset.ms = 0;
      }
      expect(await tokenExchanges(h)).toBe(before);
    });
  });

  it('When the runner cancels on Strava, then a friendly page says nothing was connected', async () => {
    const before = await tokenExchanges(h);
    const count = (await h.app.deps.db.select({ id: runners.id }).from(runners)).length;
    const flow = await connectBrowser(h, { deny: true });
    expect(flow.callback.status).toBe(200);
    expect(flow.callback.headers['content-type']).toMatch(/text\/html/);
    expect(flow.callback.text).toContain('Nothing was connected');
    expect(flow.callback.text).toContain('href="/"');
    expect(flow.jar.cookies.has('rg_session')).toBe(false);
    expect(await tokenExchanges(h)).toBe(before);
    expect((await h.app.deps.db.select({ id: runners.id }).from(runners)).length).toBe(count);
  });

  it('When the runner unticks scopes, then they are connected anyway and /api/me names what is missing', async () => {
    const flow = await connectRunnerViaBrowser(h, { firstname: 'Partial', grantedScopes: ['read'] });
    const me = await request(h.app.url).get('/api/me').set('Cookie', flow.jar.header()).expect(200);
    expect(me.body.missingScopes).toEqual(['activity:read_all', 'profile:read_all']);
    const [runner] = await h.app.deps.db.select().from(runners).where(eq(runners.id, flow.runnerId));
    expect(runner!.scopes).toBe('read');
  });

  it('When Strava fails the code exchange, then a 502 page that never shows the code', async () => {
    const fault = await h.simControl.addFault({ path: '/oauth/token', errorRate: 1, errorStatus: 500 });
    try {
      const flow = await connectBrowser(h, { firstname: 'Unlucky' });
      expect(flow.callback.status).toBe(502);
      expect(flow.callback.text).toContain('Strava could not be reached');
      const code = new URL(flow.callbackPath, 'http://x').searchParams.get('code') ?? '';
      expect(code).not.toBe('');
      expect(flow.callback.text).not.toContain(code);
      expect(flow.jar.cookies.has('rg_session')).toBe(false);
    } finally {
      await h.simControl.removeFault(fault.id);
    }
  });

  it('When a signed-in runner signs in again, then the session id is rotated and the old one is dead', async () => {
    const first = await connectRunnerViaBrowser(h, { firstname: 'Rotate' });
    const oldCookie = first.jar.header();
    const second = await connectBrowser(h, { jar: first.jar, athleteId: first.athleteId });
    expect(second.callback.status).toBe(303);
    // A reconnect of an athlete without a verified email still goes to onboarding.
    expect(second.callback.headers.location).toBe('/onboarding');
    expect(second.jar.header()).not.toBe(oldCookie);
    await request(h.app.url).get('/api/me').set('Cookie', oldCookie).expect(401);
    await request(h.app.url).get('/api/me').set('Cookie', second.jar.header()).expect(200);
    const rows = await queryRows<{ n: number }>(
      h,
      sql`select count(*)::int as n from sessions where runner_id = ${first.runnerId}`,
    );
    expect(rows[0]!.n).toBe(1);
    // Same runner, not a second one.
    const same = await h.app.deps.db.select().from(runners).where(eq(runners.athleteId, first.athleteId));
    expect(same).toHaveLength(1);
  });

  it('When a runner with a verified email signs in, then they land on /plan', async () => {
    const first = await connectRunnerViaBrowser(h, { firstname: 'Verified' });
    await h.app.deps.db
      .update(runners)
      .set({ email: 'verified@example.test', emailVerifiedAt: new Date() })
      .where(eq(runners.id, first.runnerId));
    const again = await connectBrowser(h, { athleteId: first.athleteId });
    expect(again.callback.headers.location).toBe('/plan');
  });

  it('When a runner logs out, then the session row is gone and the cookie is cleared', async () => {
    const flow = await connectRunnerViaBrowser(h, { firstname: 'Bye' });
    const cookie = flow.jar.header();
    const res = await request(h.app.url).post('/auth/logout').set('Cookie', cookie).expect(303);
    expect(res.headers.location).toBe('/');
    expect(setCookieLine(res, 'rg_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
    const rows = await queryRows<{ n: number }>(
      h,
      sql`select count(*)::int as n from sessions where runner_id = ${flow.runnerId}`,
    );
    expect(rows[0]!.n).toBe(0);
    const denied = await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(401);
    expect(denied.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
  });

  it('When the session cookie is missing, forged or tampered with, then /api answers 401 JSON', async () => {
    const flow = await connectRunnerViaBrowser(h, { firstname: 'Tamper' });
    const value = flow.jar.cookies.get('rg_session') ?? '';
    const [id = '', mac = ''] = decodeURIComponent(value).split('.');
    const variants = [
      '',
      'rg_session=nonsense',
      `rg_session=${id}`,
      `rg_session=${encodeURIComponent(`${id}.${mac.slice(0, -2)}AA`)}`,
      `rg_session=${encodeURIComponent(`${'A'.repeat(43)}.${mac}`)}`,
    ];
    for (const cookie of variants) {
      const res = await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
    await request(h.app.url).get('/api/me').set('Cookie', flow.jar.header()).expect(200);
  });
});

describe('per-ip rate limits on /auth and /api (trust proxy = 1 hop)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('When one ip bursts sign-in starts, then it gets 429 with a retry time while another ip does not, and spoofing does not help', async () => {
    for (let i = 0; i < AUTH_START_RATE_LIMIT; i++) {
      await request(h.app.url).get('/auth/strava').set('X-Forwarded-For', '203.0.113.1').expect(302);
    }
    const limited = await request(h.app.url)
      .get('/auth/strava')
      .set('X-Forwarded-For', '203.0.113.1')
      .expect(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.text).toContain('Too many sign-in attempts');
    expect(limited.text).toMatch(/try again in \d+ seconds/);
    // The proxy appends the real client: a prepended address is the client's own claim and is ignored.
    await request(h.app.url)
      .get('/auth/strava')
      .set('X-Forwarded-For', '198.51.100.7, 203.0.113.1')
      .expect(429);
    await request(h.app.url).get('/auth/strava').set('X-Forwarded-For', '203.0.113.2').expect(302);
  });

  it('When an ip is over the start limit, then a runner who already approved on Strava still gets in, and logouts are never refused', async () => {
    const ip = '203.0.113.9';
    const flow = await connectBrowser(h, {
      ip,
      firstname: 'Club',
      // While this runner is on Strava's consent page, their club mates use up the ip's starts.
      beforeCallback: async () => {
        for (let i = 0; i < AUTH_START_RATE_LIMIT; i++) {
          await request(h.app.url).get('/auth/strava').set('X-Forwarded-For', ip);
        }
        await request(h.app.url).get('/auth/strava').set('X-Forwarded-For', ip).expect(429);
      },
    });
    expect(flow.callback.status).toBe(303);
    // Callbacks are judged by their state only, however many arrive.
    for (let i = 0; i < 150; i++) {
      const res = await request(h.app.url)
        .get('/auth/strava/callback?code=x&state=not-ours')
        .set('X-Forwarded-For', ip);
      expect(res.status).toBe(400);
    }
    for (let i = 0; i < 150; i++) {
      await request(h.app.url).post('/auth/logout').set('X-Forwarded-For', ip).expect(303);
    }
    await request(h.app.url)
      .post('/auth/logout')
      .set('Cookie', flow.jar.header())
      .set('X-Forwarded-For', ip)
      .expect(303);
    await request(h.app.url).get('/api/me').set('Cookie', flow.jar.header()).expect(401);
  });

  it('When one ip bursts /api, then it gets 429 JSON after 300 requests while another ip does not', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 300; i++) {
      await request(h.app.url).get('/api/me').set('X-Forwarded-For', ip).expect(401);
    }
    const res = await request(h.app.url).get('/api/me').set('X-Forwarded-For', ip).expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await request(h.app.url).get('/api/me').set('X-Forwarded-For', '203.0.113.51').expect(401);
  });
});
