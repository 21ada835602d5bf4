import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  createSimControl,
  DEFAULT_APPLICATION,
  type SimControl,
  type StartedSimulator,
  startSimulator,
} from '@rampguard/strava-sim';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parkRunner } from '../../src/app/strava-access/park-runner.js';
import { createStravaSubscription } from '../../src/app/strava-subscription.js';
import { purgeCachedStravaData } from '../../src/db/repositories/runs.js';
import {
  detections,
  emailOutbox,
  planVersions,
  runners,
  runSightings,
  runs,
} from '../../src/db/schema/index.js';
import { KIND_HEADINGS } from '../../src/domain/detection-text.js';
import type { DetectionKind } from '../../src/domain/types.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { daytimeTimezone } from '../helpers/daytime-timezone.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { deleteQueueKeys, REDIS_URL } from '../helpers/queue-keys.js';
import { freePort } from '../helpers/redis-server.js';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { type CookieJar, connectRunnerViaBrowser, type Harness } from '../helpers/web-harness.js';

/*
 * What may alert, end to end (docs/alerts.md): the simulator plays Strava (OAuth, API, webhooks),
 * one RampGuard process (ROLE=all) connects runners through the browser flow, reads their history
 * on connect, receives the simulator's webhooks, analyses, raises the plan and mails through a
 * real SMTP server. Each test has its own athlete; the runs before connecting are created in the
 * simulator first, so the connect read finds them as a real runner's history.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ARTIFACTS = path.resolve('test/artifacts/alerts');

type Runner = { runnerId: string; athleteId: string; email: string; jar: CookieJar; shoeId: string };

describe('alerts from the first run after connecting', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let sim: StartedSimulator;
  let simControl: SimControl;
  let app: Running;
  let harness: Harness;
  let nextRunner = 0;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [database, sink, sim] = await Promise.all([
      createTestDatabase(),
      startSmtpSink(),
      startSimulator({ port: 0, producer: { duplicateRate: 0 } }),
    ]);
    simControl = createSimControl(sim.url);
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    app = await startTestApp(
      testEnv({
        DATABASE_URL: database.url,
        REDIS_URL,
        ROLE: 'all',
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        TRUST_PROXY_HOPS: '1',
        STRAVA_API_URL: sim.apiUrl,
        STRAVA_OAUTH_URL: sim.oauthUrl,
        STRAVA_CLIENT_ID: DEFAULT_APPLICATION.clientId,
        STRAVA_CLIENT_SECRET: DEFAULT_APPLICATION.clientSecret,
        SMTP_URL: sink.url,
      }),
    );
    harness = { sim, simControl, database, app, publicUrl };
    // As the operator does with `npm run strava -- subscription create`.
    await createStravaSubscription(app.deps);
  });

  afterAll(async () => {
    await app?.stop();
    if (app) await deleteQueueKeys(app.deps.config.queuePrefix);
    await sim?.close();
    await sink?.close();
    await database?.drop();
  });

  /**
   * An athlete with eight weeks of steady 8 km runs in one shoe (plus `history`, all before
   * connecting), connected through the browser: the callback reads that history on connect.
   * Returns once the connect read has committed, with a verified email address.
   */
  async function connect(
    options: { history?: (athleteId: string, shoeId: string) => object[] } = {},
  ): Promise<Runner> {
    nextRunner += 1;
    const firstname = `Runner${nextRunner}`;
    const athlete = await simControl.createAthlete({
      firstname,
      // Its local day must hold both "now" and "2 hours ago" (see the helper).
      timezone: daytimeTimezone().strava,
    });
    const shoe = await simControl.createShoe(athlete.id, { name: 'Daily trainer', distance: 300_000 });
    const now = Date.now();
    const steady = Array.from({ length: 28 }, (_, i) => ({
      athleteId: athlete.id,
      name: `Easy run ${i}`,
      sport_type: 'Run',
      distance: 8_000,
      moving_time: 2_700,
      start_date: new Date(now - (3 + i * 2) * DAY).toISOString(),
      gear_id: shoe.id,
    }));
    await simControl.createActivities({
      activities: [...steady, ...(options.history?.(athlete.id, shoe.id) ?? [])] as never,
      notify: false,
    });
    const { runnerId, jar } = await connectRunnerViaBrowser(harness, { athleteId: athlete.id, firstname });
    const email = `${firstname.toLowerCase()}@example.com`;
    await app.deps.db
      .update(runners)
      .set({ email, emailVerifiedAt: new Date() })
      .where(eq(runners.id, runnerId));
    await connectReadDone(runnerId);
    return { runnerId, athleteId: athlete.id, email, jar, shoeId: shoe.id };
  }

  async function runnerRow(runnerId: string) {
    const [row] = await app.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    return row!;
  }

  async function connectReadDone(runnerId: string) {
    await eventually(async () => {
      const row = await runnerRow(runnerId);
      expect(row.connectReadAt).toBeInstanceOf(Date);
      expect(row.analysisDueAt).toBeNull();
    }, 30_000);
  }

  /** Waits until an analysis that read Strava after `since` has committed and nothing is due. */
  async function analysedAfter(runnerId: string, since: Date) {
    await eventually(async () => {
      const row = await runnerRow(runnerId);
      expect(row.lastAnalyzedAt!.getTime()).toBeGreaterThan(since.getTime());
      expect(row.analysisDueAt).toBeNull();
    }, 30_000);
  }

  const mailsTo = (address: string) => sink.messages.filter((m) => m.to.includes(address));
  const alertsTo = (address: string) =>
    mailsTo(address).filter((m) => m.parsed.headers.get('x-rampguard-triggers') !== undefined);

  async function oneAlert(address: string): Promise<SinkMessage> {
    return eventually(async () => {
      const alerts = alertsTo(address);
      expect(alerts).toHaveLength(1);
      return alerts[0]!;
    }, 30_000);
  }

  async function detectionsOf(runnerId: string) {
    return app.deps.db
      .select()
      .from(detections)
      .where(eq(detections.runnerId, runnerId))
      .orderBy(asc(detections.occurredAt));
  }

  async function versionsOf(runnerId: string) {
    return app.deps.db
      .select()
      .from(planVersions)
      .where(eq(planVersions.runnerId, runnerId))
      .orderBy(asc(planVersions.version));
  }

  async function alertRows(runnerId: string) {
    return app.deps.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.runnerId, runnerId), eq(emailOutbox.template, 'alert')));
  }

  /** A 16 km run (twice the longest of the last 30 days) in a brand-new pair of shoes. */
  async function longRunInNewShoes(r: Runner, startedAt: number, notify = true) {
    const racer = await simControl.createShoe(r.athleteId, { name: 'Brand new racer', distance: 0 });
    return simControl.createActivity({
      athleteId: r.athleteId,
      name: 'Long one',
      sport_type: 'Run',
      distance: 16_000,
      moving_time: 5_400,
      start_date: new Date(startedAt).toISOString(),
      gear_id: racer.id,
      notify,
    });
  }

  /** Makes Strava send an event that asks for an analysis without adding a run (a ride). */
  async function touch(r: Runner) {
    const since = new Date();
    await simControl.createActivity({
      athleteId: r.athleteId,
      name: 'Commute',
      sport_type: 'Ride',
      distance: 5_000,
      moving_time: 900,
      start_date: new Date(Date.now() - HOUR).toISOString(),
      notify: true,
    });
    await analysedAfter(r.runnerId, since);
  }

  it('When a run that started 1 h before connecting reaches Strava after the connect read, then it alerts exactly once', async () => {
    const r = await connect();
    const connectedAt = (await runnerRow(r.runnerId)).connectedAt.getTime();
    expect(await alertRows(r.runnerId)).toEqual([]);

    const { activity } = await longRunInNewShoes(r, connectedAt - HOUR);
    const alert = await oneAlert(r.email);

    const found = (await detectionsOf(r.runnerId)).filter((d) => d.activityId === activity.id);
    expect(found.map((d) => d.kind).sort()).toEqual(['gear_change', 'session_spike']);
    expect(found.every((d) => d.alertable)).toBe(true);
    const versions = await versionsOf(r.runnerId);
    expect(versions.map((v) => v.phase)).toEqual(['daily', 'daily']);
    expect([...versions[1]!.reasons].sort()).toEqual(found.map((d) => d.id).sort());
    expect(String(alert.parsed.headers.get('x-rampguard-triggers')).split(',').sort()).toEqual([
      'gear_change',
      'session_spike',
    ]);
    // The closing note of issue 13 quotes this email.
    writeFileSync(
      path.join(ARTIFACTS, 'spike-new-shoes.txt'),
      `Subject: ${alert.parsed.subject}\n\n${alert.parsed.text}`,
    );

    // Re-reads (another event, a purge of the runs cache) never alert for it again.
    await touch(r);
    await purgeCachedStravaData(app.deps.db, new Date(Date.now() + DAY));
    await touch(r);
    expect(await alertRows(r.runnerId)).toHaveLength(1);
    expect(alertsTo(r.email)).toHaveLength(1);
  });

  it('When the email arrives, then its subject and body agree on the kinds and the percentages', async () => {
    const r = await connect();
    await longRunInNewShoes(r, Date.now() - 2 * HOUR);
    const alert = await oneAlert(r.email);
    const subject = alert.parsed.subject ?? '';
    const text = alert.parsed.text ?? '';
    const html = String(alert.parsed.html);
    const kinds = String(alert.parsed.headers.get('x-rampguard-triggers')).split(',') as DetectionKind[];
    expect(subject).toMatch(
      /^Runner\d+, new shoes \(Brand new racer\) and a run 100% longer than your longest in 30 days/,
    );
    for (const kind of kinds) {
      expect(text).toContain(KIND_HEADINGS[kind]);
      expect(html).toContain(KIND_HEADINGS[kind]);
    }
    const percentages = subject.match(/\d+%/g) ?? [];
    expect(percentages).toEqual(['100%']);
    for (const pct of percentages) {
      expect(text).toContain(`${pct} longer than your longest run in the previous 30 days`);
      expect(html).toContain(pct);
    }
    expect(text).toContain('Longer by: 100%');
    expect(text).toContain('This run: 16.0 km');
    expect(`${subject}${text}${html}`).not.toMatch(/\bg\d{3,}\b/); // never a raw gear id
  });

  it('When the connect read finds ramps and new shoes in the weeks before, then they are shown and never mailed', async () => {
    const r = await connect({
      history: (athleteId) => [
        // Ten days before connecting: a long run in shoes never worn before (spike + shoe change).
        {
          athleteId,
          name: 'Old long run',
          sport_type: 'Run',
          distance: 18_000,
          moving_time: 6_000,
          start_date: new Date(Date.now() - 10 * DAY + HOUR).toISOString(),
          gear_id: null,
        },
      ],
    });
    const history = await detectionsOf(r.runnerId);
    expect(history.map((d) => d.kind)).toContain('session_spike');
    expect(history.every((d) => !d.alertable)).toBe(true);
    expect(await versionsOf(r.runnerId)).toHaveLength(1);
    expect(await alertRows(r.runnerId)).toEqual([]);

    // Later reads, and a purge of the runs cache, keep them history.
    await purgeCachedStravaData(app.deps.db, new Date(Date.now() + DAY));
    expect(await app.deps.db.select().from(runs).where(eq(runs.runnerId, r.runnerId))).toEqual([]);
    await touch(r);
    expect((await detectionsOf(r.runnerId)).every((d) => !d.alertable)).toBe(true);
    expect(await versionsOf(r.runnerId)).toHaveLength(1);
    expect(await alertRows(r.runnerId)).toEqual([]);
    expect(mailsTo(r.email)).toEqual([]);

    const page = await request(app.url).get('/plan').set('Cookie', r.jar.header()).expect(200);
    expect(page.text).toContain(
      'Found in your last 12 weeks before you connected: shown for context, no alert sent.',
    );
    expect(page.text).toContain('Your current plan was not set off by a ramp');
  });

  it('When a trigger arrives while the plan is daily, then a new version names it in its reasons and the 14 days restart', async () => {
    const r = await connect();
    const [v1] = await versionsOf(r.runnerId);
    expect(v1!.phase).toBe('daily');

    const first = await longRunInNewShoes(r, Date.now() - 3 * HOUR);
    await oneAlert(r.email);
    const second = await simControl.createActivity({
      athleteId: r.athleteId,
      name: 'Even longer',
      sport_type: 'Run',
      distance: 24_000,
      moving_time: 8_000,
      start_date: new Date(Date.now() - HOUR).toISOString(),
      gear_id: r.shoeId,
      notify: true,
    });
    const spike = await eventually(async () => {
      const [row] = (await detectionsOf(r.runnerId)).filter(
        (d) => d.activityId === second.activity.id && d.kind === 'session_spike',
      );
      expect(row).toBeDefined();
      return row!;
    });
    const versions = await eventually(async () => {
      const all = await versionsOf(r.runnerId);
      expect(all).toHaveLength(3);
      return all;
    });
    const [, v2, v3] = versions;
    expect(v2!.reasons).toEqual(
      expect.arrayContaining(
        (await detectionsOf(r.runnerId)).filter((d) => d.activityId === first.activity.id).map((d) => d.id),
      ),
    );
    expect(v3!.phase).toBe('daily');
    expect(v3!.reasons).toContain(spike.id);
    const secondIds = (await detectionsOf(r.runnerId))
      .filter((d) => d.activityId === second.activity.id)
      .map((d) => d.id);
    expect([...v3!.reasons].sort()).toEqual(secondIds.sort());
    expect(v3!.since.getTime()).toBeGreaterThan(v2!.since.getTime());
    const plan = await request(app.url).get('/api/plan').set('Cookie', r.jar.header()).expect(200);
    expect(plan.body.reasons).toEqual(v3!.reasons);
    expect(Date.parse(plan.body.nextReview) - Date.parse(plan.body.since)).toBe(14 * DAY);
    // Its alert is queued; the 24 h rule holds it back to fold into the next email.
    const rows = await alertRows(r.runnerId);
    expect(rows).toHaveLength(2);
    expect(alertsTo(r.email)).toHaveLength(1);
  });

  it('When Strava delivers the same event three times at once, then one detection, one plan version and one email', async () => {
    const r = await connect();
    const { activity } = await longRunInNewShoes(r, Date.now() - HOUR, false);
    const subscriptionId = (await simControl.listSubscriptions())[0]!.id;
    const body = {
      aspect_type: 'create',
      event_time: Math.floor(Date.now() / 1000),
      object_id: Number(activity.id),
      object_type: 'activity',
      owner_id: Number(r.athleteId),
      subscription_id: Number(subscriptionId),
      updates: {},
    };
    const post = () => request(app.url).post('/webhooks/strava').send(body).expect(200);
    await Promise.all([post(), post(), post()]);

    await oneAlert(r.email);
    const found = (await detectionsOf(r.runnerId)).filter((d) => d.activityId === activity.id);
    expect(found.map((d) => d.kind).sort()).toEqual(['gear_change', 'session_spike']);
    expect(await versionsOf(r.runnerId)).toHaveLength(2);
    expect(await alertRows(r.runnerId)).toHaveLength(1);
    // Nothing left to come: every analysis has committed.
    await analysedAfter(r.runnerId, new Date(0));
    expect(alertsTo(r.email)).toHaveLength(1);
  });

  it('When a runner uses miles, then the alert email and the plan page show miles and never km', async () => {
    const r = await connect();
    // The runner chooses miles in the settings.
    await request(app.url)
      .post('/settings/units')
      .set('Cookie', r.jar.header())
      .set('Origin', harness.publicUrl)
      .type('form')
      .send({ units: 'imperial' })
      .expect(303);
    expect((await runnerRow(r.runnerId)).units).toBe('imperial');
    await longRunInNewShoes(r, Date.now() - HOUR);
    const alert = await oneAlert(r.email);
    for (const part of [alert.parsed.subject ?? '', alert.parsed.text ?? '', String(alert.parsed.html)]) {
      expect(part).not.toMatch(/\bkm\b/);
    }
    expect(alert.parsed.text).toContain('Your 9.9 mi run on');
    expect(alert.parsed.text).toContain('This run: 9.9 mi');
    expect(alert.parsed.text).toContain('Longest run in the 30 days before: 5.0 mi');

    const page = await request(app.url).get('/plan').set('Cookie', r.jar.header()).expect(200);
    const main = page.text.slice(page.text.indexOf('<main>'), page.text.indexOf('</main>'));
    expect(main).not.toMatch(/\bkm\b/);
    expect(main).toContain('<dt>This run</dt><dd>9.9 mi</dd>');
    expect(main).toContain('mi per week');
  });

  it('When 20 runs of one runner arrive in one burst, then they cost at most 2 analyses', async () => {
    const r = await connect();
    const since = new Date();
    await simControl.clearRequests();
    await simControl.createActivities({
      notify: true,
      activities: Array.from({ length: 20 }, (_, i) => ({
        athleteId: r.athleteId,
        name: `Burst ${i}`,
        sport_type: 'Run',
        distance: 5_000,
        moving_time: 1_600,
        start_date: new Date(Date.now() - 5 * HOUR + i * 60_000).toISOString(),
        gear_id: r.shoeId,
      })),
    });
    await eventually(async () => {
      const cached = await app.deps.db
        .select({ n: sql<number>`count(*)::int` })
        .from(runs)
        .where(and(eq(runs.runnerId, r.runnerId), gt(runs.startDate, new Date(Date.now() - 6 * HOUR))));
      expect(cached[0]?.n).toBe(20);
    }, 30_000);
    await analysedAfter(r.runnerId, since);
    const analyses = (await simControl.listRequests('/api/v3/athlete/activities')).filter(
      (q) => q.athleteId === r.athleteId && (q.query.page ?? '1') === '1',
    );
    expect(analyses.length).toBeGreaterThanOrEqual(1);
    expect(analyses.length).toBeLessThanOrEqual(2);
  });

  it('When a runner reconnects after a disconnect, then the read on reconnecting is new history', async () => {
    const r = await connect();
    expect(
      await app.deps.db.select().from(runSightings).where(eq(runSightings.runnerId, r.runnerId)),
    ).toHaveLength(28);
    await parkRunner(app.deps, r.runnerId, 'access_revoked');
    // While disconnected: a long run in new shoes that RampGuard cannot see.
    await longRunInNewShoes(r, Date.now() - 2 * HOUR, false);
    await connectRunnerViaBrowser(harness, { athleteId: r.athleteId, jar: r.jar });
    await eventually(async () => {
      const row = await runnerRow(r.runnerId);
      expect(row.disconnectedAt).toBeNull();
      expect(row.connectReadAt).toBeInstanceOf(Date);
      expect(row.analysisDueAt).toBeNull();
    }, 30_000);
    const found = await detectionsOf(r.runnerId);
    expect(found.map((d) => d.kind)).toEqual(expect.arrayContaining(['session_spike', 'gear_change']));
    expect(found.every((d) => !d.alertable)).toBe(true);
    expect(await alertRows(r.runnerId)).toEqual([]);
    const sightings = await app.deps.db
      .select()
      .from(runSightings)
      .where(eq(runSightings.runnerId, r.runnerId));
    expect(sightings).toHaveLength(29);
    expect(sightings.every((s) => s.inConnectRead)).toBe(true);
  });
});
