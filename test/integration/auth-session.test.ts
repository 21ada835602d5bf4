import { eq, type SQL, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runners } from '../../src/db/schema/index.js';
import type { Running } from '../../src/server.js';
import type { Clock } from '../../src/shared/clock.js';
import {
  createSimControl,
  DEFAULT_APPLICATION,
  type SimControl,
  type StartedSimulator,
  startSimulator,
} from '../../src/sim/index.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

// ---------------------------------------------------------------------------
// Harness (kept in this file: test helpers outside test/helpers are not shared
// between integration files). Real simulator, real Postgres, real Redis.

type Harness = {
  sim: StartedSimulator;
  simControl: SimControl;
  database: TestDatabase;
  app: Running;
  publicUrl: string;
};

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function startHarness(
  env: NodeJS.ProcessEnv = {},
  options: { clock?: Clock; database?: TestDatabase } = {},
): Promise<Harness> {
  const sim = await startSimulator({ port: 0 });
  const database = options.database ?? (await createTestDatabase());
  const publicUrl = env.PUBLIC_URL ?? 'http://localhost:3999';
  const app = await startTestApp(
    testEnv({
      DATABASE_URL: database.url,
      REDIS_URL,
      ROLE: 'web',
      PUBLIC_URL: publicUrl,
      // One proxy hop, so each simulated browser can have its own client ip (X-Forwarded-For)
      // and many sign-ins in one file stay under the per-ip /auth limit.
      TRUST_PROXY_HOPS: '1',
      STRAVA_API_URL: sim.apiUrl,
      STRAVA_OAUTH_URL: sim.oauthUrl,
      STRAVA_CLIENT_ID: DEFAULT_APPLICATION.clientId,
      STRAVA_CLIENT_SECRET: DEFAULT_APPLICATION.clientSecret,
      ...env,
    }),
    options.clock ? { clock: options.clock } : {},
  );
  return { sim, simControl: createSimControl(sim.url), database, app, publicUrl };
}

async function stopHarness(h: Harness | undefined, dropDatabase = true): Promise<void> {
  if (!h) return;
  await h.app.stop();
  await deleteQueueKeys(h.app.deps.config.queuePrefix);
  await h.sim.close();
  if (dropDatabase) await h.database.drop();
}

async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

/** A browser's cookies, enough for these flows (no domain or path matching: one host). */
class CookieJar {
  readonly cookies = new Map<string, string>();
  update(res: { headers: Record<string, unknown> }): this {
    const header = res.headers['set-cookie'];
    for (const line of Array.isArray(header) ? (header as string[]) : []) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line);
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function setCookieLine(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const header = res.headers['set-cookie'];
  return (Array.isArray(header) ? (header as string[]) : []).find((l) => l.startsWith(`${name}=`));
}

type ConnectOptions = {
  jar?: CookieJar;
  athleteId?: string;
  firstname?: string;
  grantedScopes?: string[];
  deny?: boolean;
  /** Runs between the consent and the callback (e.g. advance the clock). */
  beforeCallback?: () => void | Promise<void>;
  /** The Cookie header the callback is sent with; default: the jar's (the same browser). */
  callbackCookie?: (jar: CookieJar) => string;
};

type BrowserConnect = {
  jar: CookieJar;
  start: request.Response;
  callback: request.Response;
  callbackPath: string;
};

/**
 * Plays the browser: GET /auth/strava, the simulator's consent page (GET, then
 * its form POST), then our callback with the cookies the browser holds.
 */
let browsers = 0;

async function connectBrowser(h: Harness, options: ConnectOptions = {}): Promise<BrowserConnect> {
  const jar = options.jar ?? new CookieJar();
  browsers += 1;
  const ip = `10.1.${browsers >> 8}.${browsers & 255}`;
  const start = await request(h.app.url)
    .get('/auth/strava')
    .set('Cookie', jar.header())
    .set('X-Forwarded-For', ip)
    .expect(302);
  jar.update(start);
  const authorize = new URL(start.headers.location as string);
  const page = await fetch(authorize, { redirect: 'manual' });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<form method="post">');
  const params = authorize.searchParams;
  const consent = await h.simControl.authorize({
    clientId: params.get('client_id') ?? '',
    redirectUri: params.get('redirect_uri') ?? '',
    scopes: (params.get('scope') ?? '').split(','),
    grantedScopes: options.grantedScopes,
    athleteId: options.athleteId,
    newAthleteFirstname: options.firstname ?? 'Ada',
    state: params.get('state') ?? '',
    deny: options.deny,
  });
  const back = new URL(consent.location);
  expect(back.origin).toBe(new URL(h.publicUrl).origin);
  await options.beforeCallback?.();
  const callbackPath = `${back.pathname}${back.search}`;
  const cookie = options.callbackCookie ? options.callbackCookie(jar) : jar.header();
  const callback = await request(h.app.url)
    .get(callbackPath)
    .set('Cookie', cookie)
    .set('X-Forwarded-For', ip);
  jar.update(callback);
  return { jar, start, callback, callbackPath };
}

/** Connects a runner and returns their ids and signed-in cookie jar. */
async function connectRunnerViaBrowser(h: Harness, options: ConnectOptions = {}) {
  const flow = await connectBrowser(h, options);
  expect(flow.callback.status).toBe(303);
  const me = await request(h.app.url).get('/api/me').set('Cookie', flow.jar.header()).expect(200);
  const [row] = await h.app.deps.db
    .select({ id: runners.id })
    .from(runners)
    .where(eq(runners.athleteId, me.body.athleteId as string));
  return { ...flow, athleteId: me.body.athleteId as string, runnerId: row!.id };
}

/** Rows of a raw query (node-postgres and PGlite both answer `{ rows }`). */
async function queryRows<T>(h: Harness, query: SQL): Promise<T[]> {
  return ((await h.app.deps.db.execute(query)) as unknown as { rows: T[] }).rows;
}

const DAY = 24 * 3_600_000;
const offset = { ms: 0 };
const clock: Clock = { now: () => new Date(Date.now() + offset.ms) };

async function sessionRow(h: Harness, runnerId: string) {
  const rows = await queryRows<{ last_seen_at: string; expires_at: string }>(
    h,
    sql`select last_seen_at, expires_at from sessions where runner_id = ${runnerId}`,
  );
  const row = rows[0];
  return (
    row && { lastSeenAt: new Date(row.last_seen_at).getTime(), expiresAt: new Date(row.expires_at).getTime() }
  );
}

describe('sessions under HTTPS, with idle and absolute timeouts', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ PUBLIC_URL: 'https://localhost:3999' }, { clock });
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('When PUBLIC_URL is https, then the cookies are __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    offset.ms = 0;
    const flow = await connectBrowser(h, { firstname: 'Secure' });
    expect(flow.callback.status).toBe(303);
    const state = setCookieLine(flow.start, '__Host-rg_oauth_state') ?? '';
    const session = setCookieLine(flow.callback, '__Host-rg_session') ?? '';
    for (const line of [state, session]) {
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      expect(line).toMatch(/; Path=\/(;|$)/);
      expect(line).not.toMatch(/Domain=/i);
    }
    expect(session).toMatch(/Max-Age=2592000/);
    await request(h.app.url).get('/api/me').set('Cookie', flow.jar.header()).expect(200);
    // The unprefixed name is not read under HTTPS (a subdomain could have planted it).
    const value = flow.jar.cookies.get('__Host-rg_session') ?? '';
    await request(h.app.url).get('/api/me').set('Cookie', `rg_session=${value}`).expect(401);
  });

  it('When a session is used within a week each time, then it lives; after a week idle, it ends', async () => {
    offset.ms = 0;
    const flow = await connectRunnerViaBrowser(h, { firstname: 'Idle' });
    const cookie = flow.jar.header();
    offset.ms = 6 * DAY + 23 * 3_600_000;
    await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(200);
    offset.ms += 6 * DAY + 23 * 3_600_000;
    await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(200);
    offset.ms += 7 * DAY + 60_000;
    const res = await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(401);
    expect(setCookieLine(res, '__Host-rg_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await sessionRow(h, flow.runnerId)).toBeUndefined();
  });

  it('When a session is 30 days old, then it ends even if used every day', async () => {
    offset.ms = 0;
    const flow = await connectRunnerViaBrowser(h, { firstname: 'Absolute' });
    const cookie = flow.jar.header();
    for (let day = 5; day < 30; day += 5) {
      offset.ms = day * DAY;
      await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(200);
    }
    offset.ms = 30 * DAY - 60_000;
    await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(200);
    offset.ms = 30 * DAY + 1_000;
    await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(401);
    expect(await sessionRow(h, flow.runnerId)).toBeUndefined();
  });

  it('When requests come in quick succession, then last_seen_at is written at most once a minute', async () => {
    offset.ms = 0;
    const flow = await connectRunnerViaBrowser(h, { firstname: 'Touch' });
    const cookie = flow.jar.header();
    offset.ms = 2 * 60_000;
    await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(200);
    const first = await sessionRow(h, flow.runnerId);
    offset.ms += 30_000;
    await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(200);
    expect((await sessionRow(h, flow.runnerId))?.lastSeenAt).toBe(first?.lastSeenAt);
    offset.ms += 31_000;
    await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(200);
    const later = await sessionRow(h, flow.runnerId);
    expect(later!.lastSeenAt).toBeGreaterThan(first!.lastSeenAt);
    // expires_at follows the sliding idle timeout, so the hourly purge job removes only dead sessions.
    expect(later!.expiresAt).toBe(later!.lastSeenAt + 7 * DAY);
  });
});
