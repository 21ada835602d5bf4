import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarFeedUrl } from '../../src/calendar/calendar-link.js';
import { unsubscribeUrl } from '../../src/email/links/unsubscribe-link.js';
import { ADMIN_LOCKOUT_FAILURES } from '../../src/http/admin/basic-auth.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { connectRunnerViaBrowser, type Harness, startHarness, stopHarness } from '../helpers/web-harness.js';

const PASSWORD = 'correct horse battery';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** Path and query of an absolute link, for supertest against the in-process app. */
function local(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

/** docs/front-door.md: operator surfaces and revocable links. */
describe('operator surfaces and revocable links', () => {
  let h: Harness;
  const capture = createCapturingLogger('warn');

  beforeAll(async () => {
    h = await startHarness({ ADMIN_PASSWORD: PASSWORD, METRICS_TOKEN }, { logger: capture.logger });
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('When one ip gets the admin password wrong 10 times in a minute, then it is locked out (even with the right one) and it is logged at warn', async () => {
    const ip = '203.0.113.66';
    const admin = () => request(h.app.url).get('/admin/queues').set('X-Forwarded-For', ip);
    // The browser's first request carries no credentials: a prompt, not a failure.
    for (let i = 0; i < 3; i++) await admin().expect(401);
    for (let i = 0; i < ADMIN_LOCKOUT_FAILURES; i++) await admin().auth('admin', `guess-${i}`).expect(401);
    const locked = await admin().auth('admin', PASSWORD).expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    await request(h.app.url)
      .get('/admin/queues')
      .set('X-Forwarded-For', '203.0.113.67')
      .auth('admin', PASSWORD)
      .expect(200);
    const warnings = capture.lines.filter((l) => l.includes('ip locked out'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, ip, failures: ADMIN_LOCKOUT_FAILURES });
    expect(warnings[0]).not.toContain(PASSWORD);
  });

  it('When METRICS_TOKEN is set, then /metrics answers only its bearer', async () => {
    await request(h.app.url).get('/metrics').expect(401);
    await request(h.app.url)
      .get('/metrics')
      .set('Authorization', 'Bearer wrong-token-0123456789')
      .expect(401);
    await request(h.app.url).get('/metrics').set('Authorization', `Basic ${METRICS_TOKEN}`).expect(401);
    const ok = await request(h.app.url)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    expect(ok.text).toContain('rampguard_http_request_duration_seconds');
    // Probes stay open.
    await request(h.app.url).get('/healthz').expect(200);
  });

  it('When a runner resets their calendar link, then the old feed URL and older unsubscribe links stop working', async () => {
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Leak' });
    const now = h.app.deps.clock.now();
    const plan = await request(h.app.url).get('/plan').set('Cookie', jar.header()).expect(200);
    const shown = /href="(http:\/\/localhost:3999\/plan\.ics\?token=[^"]+)"/
      .exec(plan.text)?.[1]
      ?.replaceAll('&amp;', '&');
    expect(shown).toBeDefined();
    const oldFeed = local(shown!);
    // A link minted before link versions existed reads as version 1 too.
    const legacyUnsubscribe = local(unsubscribeUrl(h.app.deps.config, runnerId, now));
    await request(h.app.url).get(oldFeed).expect(200);
    await request(h.app.url).get(legacyUnsubscribe).expect(200);

    const settings = await request(h.app.url).get('/settings').set('Cookie', jar.header()).expect(200);
    expect(settings.text).toContain('Reset my calendar link');
    const reset = await request(h.app.url)
      .post('/settings/calendar-link')
      .set('Cookie', jar.header())
      .set('Origin', h.publicUrl)
      .type('form')
      .send('')
      .expect(303);
    expect(reset.headers.location).toBe('/settings?saved=calendar');

    await request(h.app.url).get(oldFeed).expect(404);
    await request(h.app.url).get(legacyUnsubscribe).expect(400);
    await request(h.app.url).post(legacyUnsubscribe).expect(400);
    const after = await request(h.app.url).get('/plan').set('Cookie', jar.header()).expect(200);
    const newFeed = /href="(http:\/\/localhost:3999\/plan\.ics\?token=[^"]+)"/
      .exec(after.text)![1]!
      .replaceAll('&amp;', '&');
    expect(newFeed).not.toBe(shown);
    await request(h.app.url).get(local(newFeed)).expect(200);
    await request(h.app.url)
      .get(local(calendarFeedUrl(h.app.deps.config, runnerId, now, 2)))
      .expect(200);
    await request(h.app.url)
      .get(local(unsubscribeUrl(h.app.deps.config, runnerId, now, 2)))
      .expect(200);
  });

  it('When the reset is posted from another site, then it is refused and the link keeps working', async () => {
    const { jar, runnerId } = await connectRunnerViaBrowser(h, { firstname: 'Csrf' });
    await request(h.app.url)
      .post('/settings/calendar-link')
      .set('Cookie', jar.header())
      .set('Origin', 'https://evil.example')
      .type('form')
      .send('')
      .expect(403);
    await request(h.app.url)
      .get(local(calendarFeedUrl(h.app.deps.config, runnerId, h.app.deps.clock.now())))
      .expect(200);
  });
});
