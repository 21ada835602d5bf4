import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/shared/clock.js';

import {
  connectBrowser,
  connectRunnerViaBrowser,
  type Harness,
  queryRows,
  setCookieLine,
  startHarness,
  stateCookieLine,
  stopHarness,
} from '../helpers/web-harness.js';

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
    const state = stateCookieLine(flow.start, true) ?? '';
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
