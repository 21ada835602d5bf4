import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, runners } from '../../src/db/schema/index.js';
import { suppressAddress } from '../../src/email/address/current-address-hold.js';
import { unsubscribeUrl } from '../../src/email/links/unsubscribe-link.js';
import { parseOutboxContent } from '../../src/email/outbox/payloads.js';
import { renderOutboxEmail } from '../../src/email/outbox/render-outbox-email.js';
import type { Clock } from '../../src/shared/clock.js';
import { deleteRunnerLimiterKeys, runnerLimiterKeys } from '../../src/shared/rate-limit/keys.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import {
  connectRunnerViaBrowser,
  type Harness,
  REDIS_URL,
  startHarness,
  stopHarness,
} from '../helpers/web-harness.js';

const MINUTE = 60_000;
const offset = { ms: 0 };
const clock: Clock = { now: () => new Date(Date.now() + offset.ms) };
let addressCount = 0;
const fresh = (tag: string) => `${tag}-${++addressCount}-${Date.now()}@example.com`;

/** docs/front-door.md#email-abuse */
describe('verification email abuse brakes', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({}, { clock });
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  const viaApi = (cookie: string, email: string, extra: Record<string, unknown> = {}) =>
    request(h.app.url)
      .put('/api/me/email')
      .set('Cookie', cookie)
      .send({ email, ...extra });
  const viaForm = (cookie: string, email: string, extra: Record<string, string> = {}) =>
    request(h.app.url)
      .post('/settings/email')
      .set('Cookie', cookie)
      .set('Origin', h.publicUrl)
      .type('form')
      .send({ email, ...extra });
  const verificationRows = (runnerId: string) =>
    h.app.deps.db.select().from(emailOutbox).where(eq(emailOutbox.runnerId, runnerId));

  it('When a runner asks through both the form and the API, then at most 3 an hour and 10 a day go out', async () => {
    offset.ms = 0;
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Mallory' });
    const cookie = jar.header();
    try {
      await viaForm(cookie, fresh('a')).expect(303);
      await viaApi(cookie, fresh('b')).expect(202);
      await viaForm(cookie, fresh('c')).expect(303);
      const api = await viaApi(cookie, fresh('d')).expect(429);
      expect(api.body.error.code).toBe('rate_limited');
      expect(Number(api.headers['retry-after'])).toBeGreaterThan(55 * 60);
      const form = await viaForm(cookie, fresh('e')).expect(429);
      expect(form.text).toContain('several confirmation emails recently');
      expect(Number(form.headers['retry-after'])).toBeGreaterThan(0);
      expect(await verificationRows(runnerId)).toHaveLength(3);
      // A refusal changes nothing: the address on file is still the last one that was mailed.
      const [runner] = await h.app.deps.db.select().from(runners).where(eq(runners.id, runnerId));
      expect(runner!.email).toMatch(/^c-/);

      // Each new hour gives 3 more, until the day's 10 are used.
      for (const hour of [1, 2, 3]) {
        offset.ms = hour * 61 * MINUTE;
        const allowed = hour === 3 ? 1 : 3;
        for (let i = 0; i < allowed; i++) await viaApi(cookie, fresh(`h${hour}`)).expect(202);
      }
      expect(await verificationRows(runnerId)).toHaveLength(10);
      offset.ms = 5 * 61 * MINUTE;
      const day = await viaApi(cookie, fresh('day')).expect(429);
      expect(Number(day.headers['retry-after'])).toBeGreaterThan(3_600);
      offset.ms = 25 * 60 * MINUTE;
      await viaApi(cookie, fresh('next-day')).expect(202);
    } finally {
      offset.ms = 0;
    }
  });

  it('When two runners name the same address, then it gets one email per 10 minutes; a repeat by the same runner is a no-op', async () => {
    offset.ms = 0;
    const victim = fresh('victim');
    const a = await connectRunnerViaBrowser(h, { firstname: 'Ann' });
    const b = await connectRunnerViaBrowser(h, { firstname: 'Bob' });
    try {
      expect((await viaApi(a.jar.header(), victim).expect(202)).body.verificationSent).toBe(true);
      // Double submit: the email already queued is the answer, nothing new, no budget used.
      await viaApi(a.jar.header(), victim).expect(202);
      expect(await verificationRows(a.runnerId)).toHaveLength(1);
      const other = await viaApi(b.jar.header(), victim).expect(429);
      expect(other.body.error.message).toContain('went to this address a few minutes ago');
      expect(await verificationRows(b.runnerId)).toHaveLength(0);
      offset.ms = 11 * MINUTE;
      await viaApi(b.jar.header(), victim).expect(202);
    } finally {
      offset.ms = 0;
    }
  });

  it('When an address is mailed the first time, then the email greets neutrally; once verified, by first name', async () => {
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Zelda' });
    const address = fresh('greet');
    await viaApi(jar.header(), address).expect(202);
    const render = async () => {
      const rows = await verificationRows(runnerId);
      const row = rows.sort((x, y) => y.id - x.id)[0]!;
      return renderOutboxEmail(h.app.deps.config, parseOutboxContent(row.template, row.payload), {
        runnerId,
        firstName: 'Zelda',
        email: address,
        timeZone: 'UTC',
        units: 'metric',
        linksFrom: row.createdAt,
        linkVersion: 1,
      });
    };
    const first = await render();
    expect(first.text).not.toContain('Zelda');
    expect(first.html).not.toContain('Zelda');
    expect(first.text.startsWith('Hi,')).toBe(true);

    // Verify through the link, move to another address, come back: this address was verified once.
    const link = /(http:\/\/localhost:\d+\/account\/email\/verify\?token=\S+)/.exec(first.text)![1]!;
    const url = new URL(link);
    await request(h.app.url)
      .post(url.pathname + url.search)
      .expect(200);
    offset.ms = 11 * MINUTE;
    try {
      await viaApi(jar.header(), fresh('elsewhere')).expect(202);
      offset.ms = 22 * MINUTE;
      await viaApi(jar.header(), address).expect(202);
      const again = await render();
      expect(again.text).toContain('Hi Zelda,');
    } finally {
      offset.ms = 0;
    }
  });

  it('When an address bounced, then it is not mailed again until the runner confirms it, on either route', async () => {
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Bounce' });
    const cookie = jar.header();
    const bounced = fresh('bounced');
    await viaApi(cookie, bounced).expect(202);
    await h.app.deps.db.transaction((tx) => suppressAddress(tx, runnerId, clock.now()));
    offset.ms = 11 * MINUTE;
    try {
      // Away and back: the hold is remembered per address, not per runner row.
      await viaApi(cookie, fresh('other')).expect(202);
      const api = await viaApi(cookie, bounced).expect(409);
      expect(api.body.error.code).toBe('address_on_hold');
      const form = await viaForm(cookie, bounced).expect(409);
      expect(form.text).toContain('bounced before');
      expect(form.text).toContain('name="confirm_held"');
      expect(await verificationRows(runnerId)).toHaveLength(2);

      await viaForm(cookie, bounced, { confirm_held: 'yes' }).expect(303);
      expect(await verificationRows(runnerId)).toHaveLength(3);
      const [runner] = await h.app.deps.db.select().from(runners).where(eq(runners.id, runnerId));
      expect(runner).toMatchObject({ email: bounced, emailSuppressedAt: null });
    } finally {
      offset.ms = 0;
    }
  });

  it('When a runner unsubscribed, then their address is held until they confirm it or switch alerts back on', async () => {
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Quiet' });
    const cookie = jar.header();
    const address = fresh('quiet');
    await viaApi(cookie, address).expect(202);
    const link = new URL(unsubscribeUrl(h.app.deps.config, runnerId, clock.now()));
    await request(h.app.url)
      .post(link.pathname + link.search)
      .expect(200);
    offset.ms = 11 * MINUTE;
    try {
      await viaApi(cookie, fresh('quiet-other')).expect(202);
      offset.ms = 22 * MINUTE;
      await viaApi(cookie, address).expect(409);
      await viaApi(cookie, address, { confirmHeldAddress: true }).expect(202);
      expect(await verificationRows(runnerId)).toHaveLength(3);
    } finally {
      offset.ms = 0;
    }
  });

  it('When a runner who unsubscribed switches alerts back on, then their address is no longer held', async () => {
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Back' });
    const cookie = jar.header();
    const address = fresh('back');
    await viaApi(cookie, address).expect(202);
    const link = new URL(unsubscribeUrl(h.app.deps.config, runnerId, clock.now()));
    await request(h.app.url)
      .post(link.pathname + link.search)
      .expect(200);
    await request(h.app.url)
      .post('/settings/alerts')
      .set('Cookie', cookie)
      .set('Origin', h.publicUrl)
      .type('form')
      .send({ alerts: 'on' })
      .expect(303);
    offset.ms = 11 * MINUTE;
    try {
      await viaApi(cookie, address).expect(202);
      expect(await verificationRows(runnerId)).toHaveLength(2);
    } finally {
      offset.ms = 0;
    }
  });

  it('exports a function that deletes the limiter keys naming a runner', async () => {
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Gone' });
    await viaApi(jar.header(), fresh('gone')).expect(202);
    const prefix = h.app.deps.config.queuePrefix;
    const keys = runnerLimiterKeys(prefix, runnerId);
    expect(await h.app.deps.redis.exists(...keys)).toBe(1);
    await deleteRunnerLimiterKeys(h.app.deps.redis, prefix, runnerId);
    expect(await h.app.deps.redis.exists(...keys)).toBe(0);
  });
});

describe('when Redis cannot answer (through a TCP proxy that resets every connection)', () => {
  let h: Harness;
  let redisProxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    redisProxy = await startTcpProxy(Number(new URL(REDIS_URL).port || 6379));
    h = await startHarness({ REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` });
  });
  afterAll(async () => {
    await stopHarness(h);
    await redisProxy.close();
  });

  it('pages, sign-in and the API fail open; verification email fails closed', async () => {
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Outage' });
    redisProxy.setMode('reset');
    try {
      await request(h.app.url).get('/api/me').set('Cookie', jar.header()).expect(200);
      await request(h.app.url).get('/auth/strava').expect(302);
      await request(h.app.url).get('/settings').set('Cookie', jar.header()).expect(200);
      const refused = await request(h.app.url)
        .put('/api/me/email')
        .set('Cookie', jar.header())
        .send({ email: fresh('outage') })
        .expect(503);
      expect(refused.body.error.code).toBe('email_unavailable');
      const [runner] = await h.app.deps.db.select().from(runners).where(eq(runners.id, runnerId));
      expect(runner!.email).toBeNull();
      const rows = await h.app.deps.db.select().from(emailOutbox).where(eq(emailOutbox.runnerId, runnerId));
      expect(rows).toHaveLength(0);
      const metrics = await h.app.deps.metrics.registry.getSingleMetricAsString(
        'rampguard_rate_limit_decisions_total',
      );
      expect(metrics).toContain('decision="redis_unavailable_allowed"');
      expect(metrics).toMatch(
        /limiter="verification-email",decision="redis_unavailable_refused"|decision="redis_unavailable_refused",limiter="verification-email"/,
      );
    } finally {
      redisProxy.setMode('pass');
    }
  });
});
