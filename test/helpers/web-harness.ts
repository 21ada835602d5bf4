import {
  createSimControl,
  DEFAULT_APPLICATION,
  type SimControl,
  type StartedSimulator,
  startSimulator,
} from '@rampguard/strava-sim';
import { eq, type SQL } from 'drizzle-orm';
import request from 'supertest';
import { expect } from 'vitest';
import { selectRows } from '../../src/db/client.js';
import { runners } from '../../src/db/schema/index.js';
import type { Running } from '../../src/server.js';
import type { Clock } from '../../src/shared/clock.js';
import type { Logger } from '../../src/shared/logger.js';
import { startTestApp, testEnv } from './app.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { deleteQueueKeys, REDIS_URL } from './queue-keys.js';

export { REDIS_URL };

/**
 * A web harness for sign-in, session, API and account tests: the real
 * simulator, a real Postgres database, real Redis, and a "browser" that plays
 * the OAuth round trip through /auth/strava and the simulator's consent page.
 */

export type Harness = {
  sim: StartedSimulator;
  simControl: SimControl;
  database: TestDatabase;
  app: Running;
  publicUrl: string;
};

export async function startHarness(
  env: NodeJS.ProcessEnv = {},
  options: { clock?: Clock; database?: TestDatabase; logger?: Logger } = {},
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
    {
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    },
  );
  return { sim, simControl: createSimControl(sim.url), database, app, publicUrl };
}

export async function stopHarness(h: Harness | undefined, dropDatabase = true): Promise<void> {
  if (!h) return;
  await h.app.stop();
  await deleteQueueKeys(h.app.deps.config.queuePrefix);
  await h.sim.close();
  if (dropDatabase) await h.database.drop();
}

/** A browser's cookies, enough for these flows (no domain or path matching: one host). */
export class CookieJar {
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

export function setCookieLine(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const header = res.headers['set-cookie'];
  return (Array.isArray(header) ? (header as string[]) : []).find((l) => l.startsWith(`${name}=`));
}

/** The Set-Cookie line of the sign-in state cookie (one per state: `rg_oauth_state_<hash>`). */
export function stateCookieLine(
  res: { headers: Record<string, unknown> },
  https = false,
): string | undefined {
  const header = res.headers['set-cookie'];
  const prefix = `${https ? '__Host-' : ''}rg_oauth_state_`;
  return (Array.isArray(header) ? (header as string[]) : []).find((l) => l.startsWith(prefix));
}

/** Names of the sign-in state cookies a jar holds. */
export function stateCookieNames(jar: CookieJar): string[] {
  return [...jar.cookies.keys()].filter((name) => name.includes('rg_oauth_state_'));
}

export type ConnectOptions = {
  jar?: CookieJar;
  athleteId?: string;
  firstname?: string;
  grantedScopes?: string[];
  deny?: boolean;
  /** Runs between the consent and the callback (e.g. advance the clock). */
  beforeCallback?: () => void | Promise<void>;
  /** The Cookie header the callback is sent with; default: the jar's (the same browser). */
  callbackCookie?: (jar: CookieJar) => string;
  /** The client ip the one trusted proxy hop reports (default: a new one per browser). */
  ip?: string;
};

export type BrowserConnect = {
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

export async function connectBrowser(h: Harness, options: ConnectOptions = {}): Promise<BrowserConnect> {
  const jar = options.jar ?? new CookieJar();
  browsers += 1;
  const ip = options.ip ?? `10.1.${browsers >> 8}.${browsers & 255}`;
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
export async function connectRunnerViaBrowser(h: Harness, options: ConnectOptions = {}) {
  const flow = await connectBrowser(h, options);
  expect(flow.callback.status).toBe(303);
  const me = await request(h.app.url).get('/api/me').set('Cookie', flow.jar.header()).expect(200);
  const [row] = await h.app.deps.db
    .select({ id: runners.id })
    .from(runners)
    .where(eq(runners.athleteId, me.body.athleteId as string));
  return { ...flow, athleteId: me.body.athleteId as string, runnerId: row!.id };
}

/** Rows of a raw query against the harness's database. */
export function queryRows<T>(h: Harness, query: SQL): Promise<T[]> {
  return selectRows<T>(h.app.deps.db, query);
}
