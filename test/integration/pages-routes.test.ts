import { randomInt } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/app/session/sessions.js';
import { readStoredSubscription } from '../../src/app/strava-subscription.js';
import { calendarFeedUrl } from '../../src/calendar/calendar-link.js';
import { insertPlanVersion } from '../../src/db/repositories/plans.js';
import { checkIns, detections, emailOutbox, runners, runs, shoes } from '../../src/db/schema/index.js';
import { initialPlan } from '../../src/domain/plan.js';
import { checkInUrls } from '../../src/email/links/check-in-links.js';
import { STYLESHEET_PATH } from '../../src/http/pages/stylesheet.js';
import { sessionCookieName, signSessionId } from '../../src/http/session/session-cookie.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { deleteQueueKeys, REDIS_URL } from '../helpers/queue-keys.js';
import { freePort } from '../helpers/redis-server.js';

/*
 * The server-rendered pages against a real app (sandbox mode: the simulator is
 * mounted under /sim), real Postgres and real Redis. Runners and sessions are
 * written directly, so each test owns its runner and the pages are checked
 * against known data, hostile names included.
 */

const DAY = 86_400_000;
const HOSTILE_RUN = '<script>alert(1)</script>';
const HOSTILE_SHOE = '"><img src=x onerror=alert(1)>';
const SPIKE_ACTIVITY = '9007199254740993001';

type Seeded = { runnerId: string; cookie: string };
type SeedOptions = Partial<typeof runners.$inferInsert> & { withData?: boolean };

async function eventually<T>(check: () => Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function local(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

describe('server-rendered pages', () => {
  let database: TestDatabase;
  let app: Running;
  let publicUrl: string;

  /** A runner with 12 weeks of runs, a hostile run and shoe name, detections and two plan versions. */
  async function seedRunner(options: SeedOptions = {}): Promise<Seeded> {
    const { withData = true, ...values } = options;
    const db = app.deps.db;
    const now = Date.now();
    const [runner] = await db
      .insert(runners)
      .values({
        athleteId: String(randomInt(1, 2 ** 47)),
        firstname: 'Ada',
        timezone: 'Europe/Berlin',
        units: 'metric',
        scopes: 'read,activity:read_all,profile:read_all',
        email: 'ada@example.com',
        emailVerifiedAt: new Date(now - 19 * DAY),
        backfillStatus: 'done',
        backfillRuns: 41,
        connectedAt: new Date(now - 20 * DAY),
        ...values,
      })
      .returning({ id: runners.id });
    const runnerId = runner!.id;
    const v1 = initialPlan(new Date(now - 20 * DAY));
    await insertPlanVersion(db, runnerId, v1);
    if (withData) {
      const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const history = Array.from({ length: 40 }, (_, i) => {
        const start = now - (80 - i * 2) * DAY;
        return {
          runnerId,
          activityId: String(9_007_199_254_740_000n + BigInt(i)),
          name: `Easy run ${i}`,
          sportType: 'Run',
          type: 'Run',
          startDate: new Date(start),
          timezone: 'Europe/Berlin',
          localDate: dayOf(start),
          distanceM: 6000 + (i % 5) * 1000,
          movingTimeS: 2100,
          gearId: 'g1',
        };
      });
      const spikeAt = now - 3 * DAY;
      await db.insert(runs).values([
        ...history,
        {
          runnerId,
          activityId: SPIKE_ACTIVITY,
          name: HOSTILE_RUN,
          sportType: 'Run',
          type: 'Run',
          startDate: new Date(spikeAt),
          timezone: 'Europe/Berlin',
          localDate: dayOf(spikeAt),
          distanceM: 21_000,
          movingTimeS: 7_000,
          gearId: 'g2',
        },
      ]);
      await db.insert(shoes).values([
        { runnerId, gearId: 'g1', name: 'Daily trainer', distanceM: 450_000 },
        { runnerId, gearId: 'g2', name: HOSTILE_SHOE, distanceM: 21_000 },
      ]);
      const common = {
        runnerId,
        activityId: SPIKE_ACTIVITY,
        localDate: dayOf(spikeAt),
        occurredAt: new Date(spikeAt),
      };
      const [spike, gear] = await db
        .insert(detections)
        .values([
          {
            ...common,
            key: `session_spike:${SPIKE_ACTIVITY}`,
            kind: 'session_spike',
            severity: 'moderate',
            metrics: { distanceKm: 21, longestPrior30dKm: 10, increasePct: 110 },
            message:
              'Your 21.0 km run was 110% longer than your longest run in the previous 30 days (10.0 km).',
            alertable: true,
          },
          {
            ...common,
            key: `gear_change:${SPIKE_ACTIVITY}:g2`,
            kind: 'gear_change',
            severity: 'high',
            metrics: { gearId: 'g2', shoeName: HOSTILE_SHOE, shoeDistanceKm: 21 },
            message: `Your run was your first in ${HOSTILE_SHOE}, a new or little-used pair (21.0 km on it).`,
            alertable: true,
          },
        ])
        .returning({ id: detections.id });
      // Found by the connect read in the weeks before connecting: history, never mailed.
      const earlier = now - 40 * DAY;
      await db.insert(detections).values({
        runnerId,
        activityId: String(9_007_199_254_740_000n + 20n),
        localDate: dayOf(earlier),
        occurredAt: new Date(earlier),
        key: `weekly_ramp:${dayOf(earlier)}`,
        kind: 'weekly_ramp',
        severity: 'moderate',
        metrics: { last7dKm: 40.2, baselineWeeklyKm: 28, increasePct: 44 },
        message: 'You ran 40.2 km in the 7 days before, 44% more than your average week.',
        alertable: false,
      });
      const raisedAt = new Date(spikeAt + 3_600_000);
      await insertPlanVersion(db, runnerId, {
        ...initialPlan(raisedAt),
        version: 2,
        startedAt: v1.startedAt,
        reasons: [spike!.id, gear!.id],
        lastTriggerAt: raisedAt,
        seenTriggerIds: [spike!.id, gear!.id],
      });
    }
    const sessionId = await createSession(db, runnerId, new Date());
    const cookie = `${sessionCookieName(app.deps.config)}=${signSessionId(sessionId, app.deps.config.sessionSecret)}`;
    return { runnerId, cookie };
  }

  const get = (path: string, cookie?: string) => {
    const req = request(app.url).get(path);
    return cookie ? req.set('Cookie', cookie) : req;
  };
  /** A browser form post from our own origin (the CSRF check wants Origin = PUBLIC_URL's). */
  const postForm = (path: string, cookie: string, form: Record<string, string>, origin = publicUrl) =>
    request(app.url).post(path).set('Cookie', cookie).set('Origin', origin).type('form').send(form);

  const runnerRow = async (runnerId: string) => {
    const [row] = await app.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    return row;
  };
  const checkInCount = async (runnerId: string) => {
    const [row] = await app.deps.db
      .select({ n: count() })
      .from(checkIns)
      .where(eq(checkIns.runnerId, runnerId));
    return row?.n ?? 0;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    // No Strava credentials: sandbox mode, the simulator is served under /sim by the app.
    app = await startTestApp(
      testEnv({
        DATABASE_URL: database.url,
        REDIS_URL,
        ROLE: 'web',
        PORT: String(port),
        PUBLIC_URL: publicUrl,
      }),
    );
  });

  afterAll(async () => {
    await app?.stop();
    if (app) await deleteQueueKeys(app.deps.config.queuePrefix);
    await database?.drop();
  });

  describe('every page', () => {
    it('is a complete, script-free document with the CSP header, sandbox banner and Strava attribution', async () => {
      const { cookie } = await seedRunner();
      // `/` is the landing page for visitors (a signed-in runner is sent to /plan), 404s are pages too.
      const pages = [
        { path: '/', signedIn: false, status: 200 },
        { path: '/no-such-page', signedIn: true, status: 404 },
        ...['/privacy', '/onboarding', '/plan', '/settings', '/settings/disconnect'].map((path) => ({
          path,
          signedIn: true,
          status: 200,
        })),
      ];
      for (const { path, signedIn, status } of pages) {
        const res = await get(path, signedIn ? cookie : undefined).expect(status);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        const csp = res.headers['content-security-policy'];
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.text).toMatch(/^<!doctype html>\n<html lang="en">/);
        expect(res.text).not.toMatch(/<script/i);
        expect(res.text).toContain('<main>');
        expect(res.text).toContain(`<link rel="stylesheet" href="${STYLESHEET_PATH}">`);
        expect(res.text).toContain(
          'Sandbox mode: RampGuard is talking to a built-in Strava simulator, not Strava.',
        );
        expect(res.text).toContain('<a href="/sim/control/ui">');
        expect(res.text).toContain('aria-label="Powered by Strava"');
        expect(res.text).toContain('<a href="/privacy">Privacy and contact</a>');
      }
    });

    it('serves one stylesheet, cached for a year under a content-hashed URL', async () => {
      const res = await get(STYLESHEET_PATH).expect(200);
      expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.text).toContain('.connect{');
      expect(STYLESHEET_PATH).toMatch(/^\/assets\/rampguard-[0-9a-f]{12}\.css$/);
    });
  });

  describe('landing page', () => {
    it('explains the data use and shows the Connect with Strava button', async () => {
      const res = await get('/').expect(200);
      expect(res.text).toContain('<a class="connect" href="/auth/strava">Connect with Strava</a>');
      expect(res.text).toContain('Never shares them.');
      expect(res.text).toContain('No AI.');
      expect(res.text).toContain('Deletes everything when you disconnect');
      expect(res.text).toContain('Limit of connected athletes exceeded');
      expect(res.text).not.toContain('You are disconnected');
      expect(res.text).not.toContain('href="/plan"');
    });

    it('confirms a disconnect and sends a signed-in runner to the plan', async () => {
      expect((await get('/?disconnected=1').expect(200)).text).toContain('You are disconnected.');
      const { cookie } = await seedRunner({ withData: false });
      const res = await get('/', cookie).expect(302);
      expect(res.headers.location).toBe('/plan');
    });

    it('serves a favicon, and 404 pages with the navigation and the banner', async () => {
      const icon = await get('/favicon.ico').expect(200);
      expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect((await get('/').expect(200)).text).toContain(
        '<link rel="icon" href="/favicon.ico" type="image/svg+xml">',
      );
      const anonymous = await get('/no-such-page').expect(404);
      expect(anonymous.text).toContain('Page not found');
      expect(anonymous.text).not.toContain('aria-label="Main"');
      const { cookie } = await seedRunner({ withData: false });
      const signedIn = await get('/no-such-page', cookie).expect(404);
      expect(signedIn.text).toContain('<nav aria-label="Main">');
      expect(signedIn.text).toContain('href="/plan"');
    });
  });

  describe('signed-in pages without a session', () => {
    it('redirect to the start page, also for a session whose runner was deleted', async () => {
      for (const path of ['/plan', '/onboarding', '/settings', '/settings/disconnect']) {
        const res = await get(path).expect(303);
        expect(res.headers.location).toBe('/');
      }
      const { runnerId, cookie } = await seedRunner({ withData: false });
      await app.deps.db.delete(runners).where(eq(runners.id, runnerId));
      expect((await get('/plan', cookie).expect(303)).headers.location).toBe('/');
    });
  });

  describe('plan page', () => {
    it('shows phase, week, exercises, why the plan changed, chart, context, history and calendar link', async () => {
      const { runnerId, cookie } = await seedRunner();
      const res = await get('/plan', cookie).expect(200);
      const page = res.text;
      expect(page).toContain(
        '<span class="phase-name">Daily</span><span class="phase-count">7 sessions a week</span>',
      );
      expect(page).toContain('aria-current="date"');
      expect(page).toMatch(
        /<h3 id="exercise-leg-raise">Leg raise<\/h3>\n<p class="dose">5 reps on each leg, hold 5 seconds each<\/p>/,
      );
      expect(page).toContain('<h3 id="exercise-glute-bridge">Glute bridge</h3>');
      expect(page).toContain('aria-label="Drawing: lying on your back with one straight leg raised');
      expect(page).toContain('Longer run than usual');
      expect(page).toContain('New or long-unused shoes');
      expect(page).toContain(
        `<a class="strava-link" href="https://www.strava.com/activities/${SPIKE_ACTIVITY}">View on Strava`,
      );
      expect(page).toContain('<dt>Longer by</dt><dd>110%</dd>');
      // Which ramps changed the plan, and which came from the runs read on connecting.
      const why = page.slice(page.indexOf('id="why-title"'), page.indexOf('id="load-title"'));
      expect(why.match(/Changed your plan on /g)).toHaveLength(2);
      expect(why).toContain(
        'Found in your last 12 weeks before you connected: shown for context, no alert sent.',
      );
      expect(why).toContain('<h4>Weekly distance jump</h4>');
      expect(why).toContain('Before you connected: shown for context, no alert sent.');
      expect(why.indexOf('Weekly distance jump')).toBeGreaterThan(why.indexOf('Before you connected'));
      // A raw gear id is never shown.
      expect(why).not.toMatch(/\bg2\b/);
      expect(page).toContain('<title id="chart-title">Distance per week, last 12 weeks (km)</title>');
      expect(page).toContain('<desc id="chart-desc">');
      expect(page).toContain('<caption>Distance per week, last 12 weeks</caption>');
      expect(page).toMatch(/>SN<\/text>/);
      expect(page).toContain('Acute:chronic ratio');
      expect(page).toContain('Context, not a warning');
      expect(page).not.toContain('Baseline still building');
      expect(page).toContain('Raised after: longer run than usual');
      expect(page).toContain('Plan started when you connected');
      expect(page).toContain('<form method="post" action="/plan/checkin">');
      expect(page).toContain('This is general guidance, not medical advice.');
      const feed = calendarFeedUrl(app.deps.config, runnerId, app.deps.clock.now());
      expect(page).toContain(`value="${feed}"`);
      expect(page).not.toContain('See a physical therapist');
    });

    it('renders activity and shoe names as text, never as markup', async () => {
      const { cookie } = await seedRunner({ firstname: HOSTILE_SHOE });
      for (const path of ['/plan', '/onboarding']) {
        const page = (await get(path, cookie).expect(200)).text;
        expect(page).not.toContain(HOSTILE_RUN);
        expect(page).not.toContain('<img src=x');
        expect(page).not.toMatch(/<script/i);
      }
      const plan = (await get('/plan', cookie).expect(200)).text;
      expect(plan).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(plan).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      const onboarding = (await get('/onboarding', cookie).expect(200)).text;
      expect(onboarding).toContain(
        '<title>Welcome, &quot;&gt;&lt;img src=x onerror=alert(1)&gt; · RampGuard</title>',
      );
    });

    it('shows a runner in miles every distance in miles: detections, their numbers, chart and shoes', async () => {
      const { cookie } = await seedRunner({ units: 'imperial' });
      const page = (await get('/plan', cookie).expect(200)).text;
      const main = page.slice(page.indexOf('<main>'), page.indexOf('</main>'));
      expect(main).not.toMatch(/\bkm\b/);
      expect(main).toContain('Your 13.0 mi run on');
      expect(main).toContain('<dt>This run</dt><dd>13.0 mi</dd>');
      expect(main).toContain('<dt>Longest run in the 30 days before</dt><dd>6.2 mi</dd>');
      expect(main).toContain('<dt>Last 7 days</dt><dd>25.0 mi</dd>');
      expect(main).toContain('mi per week');
      expect(main).toContain('Daily trainer: 279.6 mi');
    });

    it('says the baseline is still building, in miles for imperial runners, and shows physio advice', async () => {
      const { runnerId, cookie } = await seedRunner({ withData: false, units: 'imperial' });
      const now = Date.now();
      await app.deps.db.insert(runs).values({
        runnerId,
        activityId: '123',
        name: 'First run',
        sportType: 'Run',
        type: 'Run',
        startDate: new Date(now - 5 * DAY),
        timezone: 'Europe/Berlin',
        localDate: new Date(now - 5 * DAY).toISOString().slice(0, 10),
        distanceM: 8046.72,
        movingTimeS: 2400,
      });
      await insertPlanVersion(app.deps.db, runnerId, {
        ...initialPlan(new Date(now - DAY)),
        version: 2,
        seePhysio: true,
      });
      const page = (await get('/plan', cookie).expect(200)).text;
      expect(page).toContain('Baseline still building.');
      expect(page).toContain('has 5 days of your running history');
      expect(page).toContain('mi per week');
      expect(page).toContain('See a physical therapist');
      expect(page).toContain('Nothing detected in your recent runs.');
    });
  });

  describe('check-in from the plan page', () => {
    it('records the feeling (source page) and returns to the plan with a confirmation', async () => {
      const { runnerId, cookie } = await seedRunner();
      const res = await postForm('/plan/checkin', cookie, { feeling: 'sore' }).expect(303);
      expect(res.headers.location).toBe('/plan?checkin=sore#checkin');
      const rows = await app.deps.db
        .select({ feeling: checkIns.feeling, source: checkIns.source })
        .from(checkIns)
        .where(eq(checkIns.runnerId, runnerId));
      expect(rows).toEqual([{ feeling: 'sore', source: 'page' }]);
      const page = (await get('/plan?checkin=sore', cookie).expect(200)).text;
      expect(page).toContain('Thanks: recorded that your knee is a bit sore.');
    });

    it('refuses cross-site and origin-less posts and unknown feelings', async () => {
      const { runnerId, cookie } = await seedRunner({ withData: false });
      await postForm('/plan/checkin', cookie, { feeling: 'fine' }, 'https://evil.example').expect(403);
      await request(app.url)
        .post('/plan/checkin')
        .set('Cookie', cookie)
        .type('form')
        .send({ feeling: 'fine' })
        .expect(403);
      await postForm('/plan/checkin', cookie, { feeling: 'great' }).expect(400);
      expect(await checkInCount(runnerId)).toBe(0);
      // Without a session the post goes nowhere.
      const res = await request(app.url)
        .post('/plan/checkin')
        .set('Origin', publicUrl)
        .type('form')
        .send({ feeling: 'fine' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
    });
  });

  describe('check-in from an email link', () => {
    it('GET shows one button and changes nothing; POST records it (source email) and shows the plan', async () => {
      const { runnerId } = await seedRunner();
      const links = checkInUrls(app.deps.config, runnerId, new Date());
      const page = await get(local(links.fine)).expect(200);
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.text).toContain('Record that your knee feels fine today?');
      expect(page.text.match(/<button/g)).toHaveLength(1);
      expect(page.text).toContain(
        `<form method="post" action="${local(links.fine).replace(/&/g, '&amp;')}">`,
      );
      await get(local(links.fine)).expect(200);
      expect(await checkInCount(runnerId)).toBe(0);

      // No cookie: the token is the credential (the link may be opened on another device).
      const done = await request(app.url).post(local(links.fine)).expect(200);
      expect(done.text).toContain('Thanks, check-in recorded');
      expect(done.text).toContain('Your plan now');
      expect(done.text).toContain('<a class="button" href="/plan">Open my full plan</a>');
      const rows = await app.deps.db
        .select({ feeling: checkIns.feeling, source: checkIns.source })
        .from(checkIns)
        .where(eq(checkIns.runnerId, runnerId));
      expect(rows).toEqual([{ feeling: 'fine', source: 'email' }]);
    });

    it('answers 400 for a missing, forged, expired or orphaned token and records nothing', async () => {
      const { runnerId } = await seedRunner({ withData: false });
      const expired = checkInUrls(app.deps.config, runnerId, new Date(Date.now() - 31 * DAY)).pain;
      const forged = `${local(checkInUrls(app.deps.config, runnerId, new Date()).pain)}x`;
      for (const path of ['/checkin', '/checkin?token=nonsense', forged, local(expired)]) {
        const res = await get(path).expect(400);
        expect(res.text).toContain('This link does not work');
        await request(app.url).post(path).expect(400);
      }
      expect(await checkInCount(runnerId)).toBe(0);
      const gone = await seedRunner({ withData: false });
      const link = local(checkInUrls(app.deps.config, gone.runnerId, new Date()).sore);
      await app.deps.db.delete(runners).where(eq(runners.id, gone.runnerId));
      await get(link).expect(400);
      await request(app.url).post(link).expect(400);
    });
  });

  describe('calendar feed', () => {
    it('is valid iCalendar for the plan, with a private, short cache', async () => {
      const { runnerId } = await seedRunner();
      const res = await get(local(calendarFeedUrl(app.deps.config, runnerId, new Date()))).expect(200);
      expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(res.headers['cache-control']).toBe('private, max-age=900');
      const body = res.text;
      expect(body.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
      expect(body.endsWith('END:VCALENDAR\r\n')).toBe(true);
      const lines = body.slice(0, -2).split('\r\n');
      expect(lines.every((l) => Buffer.byteLength(l) <= 75 && !l.includes('\n'))).toBe(true);
      expect(lines).toContain('X-WR-TIMEZONE:Europe/Berlin');
      const uids = lines.filter((l) => l.startsWith('UID:'));
      expect(uids).toHaveLength(8 * 7); // daily plan, eight weeks
      expect(new Set(uids).size).toBe(uids.length);
      expect(uids.some((u) => u.includes(runnerId))).toBe(false);
      expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(56);
      expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(56);
      expect(body).toContain('SUMMARY:Knee exercises (daily)');
    });

    it('answers 404 for a missing, forged, other-purpose or expired token and for a deleted runner', async () => {
      const { runnerId } = await seedRunner({ withData: false });
      const checkInToken = new URL(checkInUrls(app.deps.config, runnerId, new Date()).fine).searchParams.get(
        'token',
      )!;
      const expired = calendarFeedUrl(app.deps.config, runnerId, new Date(Date.now() - 6 * 365 * DAY));
      for (const path of [
        '/plan.ics',
        '/plan.ics?token=abc.def',
        `/plan.ics?token=${encodeURIComponent(checkInToken)}`,
        local(expired),
      ]) {
        const res = await get(path).expect(404);
        expect(res.text).toBe('Not found');
      }
      const gone = await seedRunner({ withData: false });
      const feed = local(calendarFeedUrl(app.deps.config, gone.runnerId, new Date()));
      await get(feed).expect(200);
      await app.deps.db.delete(runners).where(eq(runners.id, gone.runnerId));
      await get(feed).expect(404);
    });
  });

  describe('onboarding', () => {
    it('asks for the email, queues the verification through the same use case, then says check your inbox', async () => {
      const { runnerId, cookie } = await seedRunner({
        withData: false,
        email: null,
        emailVerifiedAt: null,
        scopes: 'read',
      });
      const first = (await get('/onboarding', cookie).expect(200)).text;
      expect(first).toContain('Where should alerts go?');
      expect(first).toContain('<label for="email">Email address</label>');
      expect(first).toContain('RampGuard cannot see runs you keep private');
      expect(first).toContain('RampGuard cannot see your shoes');
      expect(first).not.toContain('http-equiv="refresh"');

      const res = await postForm('/onboarding/email', cookie, { email: 'new@example.com' }).expect(303);
      expect(res.headers.location).toBe('/onboarding');
      const row = await runnerRow(runnerId);
      expect(row?.email).toBe('new@example.com');
      expect(row?.emailVerifiedAt).toBeNull();
      const queued = await app.deps.db
        .select({ template: emailOutbox.template })
        .from(emailOutbox)
        .where(and(eq(emailOutbox.runnerId, runnerId), eq(emailOutbox.template, 'verification')));
      expect(queued).toHaveLength(1);
      const after = (await get('/onboarding', cookie).expect(200)).text;
      expect(after).toContain('Check your inbox');
      expect(after).toContain('<strong>new@example.com</strong>');
    });

    it('re-shows a bad address escaped, with the error announced', async () => {
      const { runnerId, cookie } = await seedRunner({ withData: false, email: null, emailVerifiedAt: null });
      const res = await postForm('/onboarding/email', cookie, { email: '"><script>x' }).expect(400);
      expect(res.text).toContain('role="alert">That does not look like an email address.');
      expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;x"');
      expect(res.text).toContain('aria-invalid="true"');
      expect((await runnerRow(runnerId))?.email).toBeNull();
      await postForm('/onboarding/email', cookie, { email: 'x@example.com' }, 'https://evil.example').expect(
        403,
      );
    });

    it('shows import progress and reloads itself every 5 s while the history is read', async () => {
      const { cookie } = await seedRunner({
        withData: false,
        backfillStatus: 'running',
        backfillRuns: 12,
        emailVerifiedAt: null,
      });
      const page = (await get('/onboarding', cookie).expect(200)).text;
      expect(page).toContain('<meta http-equiv="refresh" content="5">');
      expect(page).toContain('12 runs read so far.');
    });
  });

  describe('settings', () => {
    it('changes units, alerts and email (which needs confirming again)', async () => {
      const { runnerId, cookie } = await seedRunner({ unsubscribedAt: new Date() });
      const page = (await get('/settings', cookie).expect(200)).text;
      expect(page).toContain('<form method="post" action="/settings/units">');
      expect(page).toContain('<a href="/account/export">Download all your data (JSON)</a>');
      expect(page).toContain('<form class="inline" method="post" action="/auth/logout">');
      expect(page).toContain('href="/settings/disconnect"');

      expect(
        (await postForm('/settings/units', cookie, { units: 'imperial' }).expect(303)).headers.location,
      ).toBe('/settings?saved=units');
      expect((await runnerRow(runnerId))?.units).toBe('imperial');
      expect((await get('/plan', cookie).expect(200)).text).toContain('mi per week');
      expect((await get('/settings?saved=units', cookie).expect(200)).text).toContain('Units saved.');

      await postForm('/settings/alerts', cookie, { alerts: 'off' }).expect(303);
      expect((await runnerRow(runnerId))?.alertsEnabled).toBe(false);
      await postForm('/settings/alerts', cookie, { alerts: 'on' }).expect(303);
      const on = await runnerRow(runnerId);
      expect(on?.alertsEnabled).toBe(true);
      expect(on?.unsubscribedAt).toBeNull();

      expect(
        (await postForm('/settings/email', cookie, { email: 'other@example.com' }).expect(303)).headers
          .location,
      ).toBe('/settings?saved=email');
      const changed = await runnerRow(runnerId);
      expect(changed?.email).toBe('other@example.com');
      expect(changed?.emailVerifiedAt).toBeNull();

      await postForm('/settings/units', cookie, { units: 'furlongs' }).expect(400);
      await postForm('/settings/alerts', cookie, { alerts: 'maybe' }).expect(400);
      await postForm('/settings/units', cookie, { units: 'metric' }, 'https://evil.example').expect(403);
      expect((await runnerRow(runnerId))?.units).toBe('imperial');
    });

    it('asks for confirmation before disconnecting, then lands on the start page', async () => {
      const { runnerId, cookie } = await seedRunner({ withData: false });
      const confirm = (await get('/settings/disconnect', cookie).expect(200)).text;
      expect(confirm).toContain('<form class="inline" method="post" action="/account/disconnect">');
      expect(await runnerRow(runnerId)).toBeDefined();
      const res = await request(app.url)
        .post('/account/disconnect')
        .set('Cookie', cookie)
        .set('Origin', publicUrl)
        .expect(303);
      expect(res.headers.location).toBe('/?disconnected=1');
      expect(await runnerRow(runnerId)).toBeUndefined();
    });
  });

  describe('sandbox mode', () => {
    it('mounts the simulator under /sim with our credentials and subscribes its webhooks to this process', async () => {
      const stored = await eventually(() => readStoredSubscription(app.deps.db));
      expect(stored.callbackUrl).toBe(`${publicUrl}/webhooks/strava`);
      expect((await get('/sim/control/ui').expect(200)).text).toContain('Strava simulator control');
      const start = await get('/auth/strava').expect(302);
      const authorize = new URL(String(start.headers.location));
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${publicUrl}/sim/oauth/authorize`);
      expect(authorize.searchParams.get('client_id')).toBe(app.deps.config.strava.clientId);
      const consent = await get(authorize.pathname + authorize.search).expect(200);
      expect(consent.text).toContain('Authorize RampGuard to connect to Strava');
      expect(consent.text).toContain('Alex Demo');
    });

    it('is off with real Strava credentials: no /sim, no banner', async () => {
      const other = await startTestApp(
        testEnv({
          DATABASE_URL: database.url,
          REDIS_URL,
          ROLE: 'web',
          STRAVA_CLIENT_ID: '4242',
          STRAVA_CLIENT_SECRET: 'a-real-secret',
        }),
      );
      try {
        await request(other.url).get('/sim/control/ui').expect(404);
        const page = (await request(other.url).get('/').expect(200)).text;
        expect(page).not.toContain('Sandbox mode');
        expect(page).toContain('Connect with Strava');
      } finally {
        await other.stop();
        await deleteQueueKeys(other.deps.config.queuePrefix);
      }
    });
  });
});
