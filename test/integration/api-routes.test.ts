import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIns, detections, emailOutbox, runners } from '../../src/db/schema/index.js';

import { connectRunnerViaBrowser, type Harness, startHarness, stopHarness } from '../helpers/web-harness.js';

const DAY = 24 * 3_600_000;

type SeededAthlete = { athleteId: string; shoeId: string; activityIds: string[] };

/**
 * A simulated athlete with `count` runs spread over the last 80 days (history
 * only: no webhook events), and a last run far longer than any before it, so
 * the backfill finds a session spike.
 */
async function seedAthlete(h: Harness, firstname: string, count: number): Promise<SeededAthlete> {
  const athlete = await h.simControl.createAthlete({ firstname, timezone: 'Europe/Berlin' });
  const shoe = await h.simControl.createShoe(athlete.id, {
    name: `${firstname}'s trainers`,
    distance: 300_000,
  });
  const now = Date.now();
  const step = (80 * DAY) / count;
  const activities = Array.from({ length: count }, (_, i) => {
    const last = i === count - 1;
    const distance = last ? 30_000 : 5_000 + (i % 5) * 500;
    return {
      athleteId: athlete.id,
      name: last ? 'Long one' : `Run ${i}`,
      sport_type: 'Run',
      type: 'Run',
      distance,
      moving_time: Math.round((distance / 1000) * 330),
      elapsed_time: Math.round((distance / 1000) * 340),
      start_date: new Date(now - 80 * DAY + i * step + 60_000).toISOString(),
      timezone: 'Europe/Berlin',
      gear_id: shoe.id,
    };
  });
  const created = await h.simControl.createActivities({ activities });
  return { athleteId: athlete.id, shoeId: shoe.id, activityIds: created.activities.map((a) => a.id) };
}

/** Runs the backfill: through the worker when the analysis job is registered, else directly. */
async function runBackfill(h: Harness, _runnerId: string, cookie: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const me = await request(h.app.url).get('/api/me').set('Cookie', cookie).expect(200);
    if (me.body.backfill.status === 'done') return;
    if (Date.now() > deadline) throw new Error('backfill did not finish within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

function api(h: Harness, cookie: string) {
  const agent = request(h.app.url);
  return {
    get: (path: string) => agent.get(path).set('Cookie', cookie),
    put: (path: string, body: unknown) =>
      agent
        .put(path)
        .set('Cookie', cookie)
        .send(body as object),
    patch: (path: string, body: unknown) =>
      agent
        .patch(path)
        .set('Cookie', cookie)
        .send(body as object),
    post: (path: string, body: unknown) =>
      agent
        .post(path)
        .set('Cookie', cookie)
        .send(body as object),
  };
}

describe('the JSON API (/api/*) for two connected runners', () => {
  let h: Harness;
  let a: { runnerId: string; athleteId: string; cookie: string; seeded: SeededAthlete };
  let b: { runnerId: string; athleteId: string; cookie: string; seeded: SeededAthlete };
  let connectStartedAt = 0;

  beforeAll(async () => {
    h = await startHarness({ ROLE: 'all' });
    const seededA = await seedAthlete(h, 'Ada', 500);
    const seededB = await seedAthlete(h, 'Bea', 40);
    // Count Strava calls from A's connect on: the worker may start A's backfill at any moment after it.
    await h.simControl.clearRequests();
    connectStartedAt = Date.now();
    const flowA = await connectRunnerViaBrowser(h, { athleteId: seededA.athleteId });
    const flowB = await connectRunnerViaBrowser(h, { athleteId: seededB.athleteId });
    a = { runnerId: flowA.runnerId, athleteId: flowA.athleteId, cookie: flowA.jar.header(), seeded: seededA };
    b = { runnerId: flowB.runnerId, athleteId: flowB.athleteId, cookie: flowB.jar.header(), seeded: seededB };
  }, 120_000);
  afterAll(async () => {
    await stopHarness(h);
  });

  it('When a runner with 500 activities connects, then the first analysis reads them within the rate limits', async () => {
    await runBackfill(h, a.runnerId, a.cookie);
    const elapsedMs = Date.now() - connectStartedAt;
    // Only A's calls: B's own backfill may run meanwhile.
    const calls = (await h.simControl.listRequests('/api/v3')).filter((c) => c.athleteId === a.athleteId);
    const lists = calls.filter((c) => c.path === '/api/v3/athlete/activities');
    // 500 activities at per_page=200: pages of 200, 200, 100; with activity:read_all the short page
    // ends the listing (docs/strava.md, "Paging the activity list").
    expect(lists.map((c) => c.query.per_page)).toEqual(['200', '200', '200']);
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    const { limits, usage } = await h.simControl.getLimits();
    const appUsage = Object.values(usage)[0];
    // Both runners' analyses together stay far under the 15-minute read limit.
    expect(appUsage?.readFifteenMin ?? 0).toBeLessThanOrEqual(12);
    expect(limits.readFifteenMin).toBe(100);
    process.stdout.write(
      `backfill of 500 activities: ${calls.length} Strava calls (${lists.length} list pages), ` +
        `${elapsedMs} ms from connect to done, analysis by the worker (at once: nothing was due)\n`,
    );

    const me = await api(h, a.cookie).get('/api/me').expect(200);
    expect(me.body.backfill).toEqual({ status: 'done', runs: 500 });
    await runBackfill(h, b.runnerId, b.cookie);
  }, 90_000);

  it('GET /api/me: the docs/contract.md#json-api exactly, plus extras', async () => {
    const res = await api(h, a.cookie).get('/api/me').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      athleteId: a.athleteId,
      firstname: 'Ada',
      email: null,
      emailVerified: false,
      sandbox: false,
      missingScopes: [],
      units: 'metric',
      alertsEnabled: true,
    });
  });

  it('GET /api/plan: docs/plan.md shape exactly', async () => {
    const res = await api(h, a.cookie).get('/api/plan').expect(200);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'exercises',
        'history',
        'nextReview',
        'phase',
        'reasons',
        'seePhysio',
        'sessionsPerWeek',
        'since',
      ].sort(),
    );
    expect(res.body.exercises.map((e: { id: string }) => e.id).sort()).toEqual(['glute-bridge', 'leg-raise']);
    for (const e of res.body.exercises) {
      expect(Object.keys(e).sort()).toEqual(['holdSeconds', 'id', 'name', 'perLeg', 'reps', 'variant']);
    }
    for (const v of res.body.history)
      expect(Object.keys(v).sort()).toEqual(['phase', 'reasons', 'sessionsPerWeek', 'since']);
    expect(res.body.phase).toBe('daily');
  });

  it('GET /api/detections: newest first, ids as strings, only the docs/contract.md#json-api', async () => {
    const res = await api(h, a.cookie).get('/api/detections').expect(200);
    expect(res.body.length).toBeGreaterThan(0);
    for (const d of res.body) {
      expect(Object.keys(d).sort()).toEqual([
        'activityId',
        'detectedAt',
        'id',
        'kind',
        'message',
        'metrics',
        'severity',
      ]);
      expect(typeof d.id).toBe('string');
      expect(typeof d.activityId).toBe('string');
    }
    const spike = res.body.find((d: { kind: string }) => d.kind === 'session_spike');
    expect(spike.activityId).toBe(a.seeded.activityIds.at(-1));
    const times = res.body.map((d: { detectedAt: string }) => Date.parse(d.detectedAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
  });

  it('GET /api/activities: newest first, big ids intact, days between 1 and 365', async () => {
    const all = await api(h, a.cookie).get('/api/activities?days=365').expect(200);
    expect(all.body).toHaveLength(500);
    expect(new Set(all.body.map((r: { id: string }) => r.id))).toEqual(new Set(a.seeded.activityIds));
    expect(Object.keys(all.body[0]).sort()).toEqual(
      [
        'averageHeartrate',
        'distanceM',
        'gearId',
        'id',
        'localDate',
        'movingTimeS',
        'name',
        'sportType',
        'startDate',
        'workoutType',
      ].sort(),
    );
    expect(all.body[0]).toMatchObject({
      id: a.seeded.activityIds.at(-1),
      name: 'Long one',
      gearId: a.seeded.shoeId,
    });
    const starts = all.body.map((r: { startDate: string }) => Date.parse(r.startDate));
    expect([...starts].sort((x, y) => y - x)).toEqual(starts);

    const recent = await api(h, a.cookie).get('/api/activities').expect(200);
    const cutoff = Date.now() - 28 * DAY;
    expect(recent.body.length).toBe(starts.filter((s: number) => s >= cutoff).length);
    for (const bad of ['0', '366', 'abc', '1.5']) {
      const res = await api(h, a.cookie).get(`/api/activities?days=${bad}`).expect(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
  });

  it('PUT /api/me/email: stores the address unverified, queues verification, 202', async () => {
    const res = await api(h, a.cookie).put('/api/me/email', { email: 'ada@example.test' }).expect(202);
    expect(res.body).toMatchObject({ email: 'ada@example.test', emailVerified: false });
    const me = await api(h, a.cookie).get('/api/me').expect(200);
    expect(me.body).toMatchObject({ email: 'ada@example.test', emailVerified: false });
    const outbox = await h.app.deps.db.select().from(emailOutbox).where(eq(emailOutbox.runnerId, a.runnerId));
    expect(outbox.filter((o) => o.template === 'verification')).toHaveLength(1);
    for (const body of [
      { email: 'not-an-email' },
      { email: `${'x'.repeat(250)}@example.test` },
      {},
      { email: 1 },
    ]) {
      const bad = await api(h, a.cookie).put('/api/me/email', body).expect(400);
      expect(bad.body.error.code).toBe('invalid_input');
      expect(JSON.stringify(bad.body)).not.toContain('not-an-email');
    }
  });

  it('PATCH /api/me/settings: units and alerts, validated', async () => {
    const res = await api(h, a.cookie).patch('/api/me/settings', { units: 'imperial' }).expect(200);
    expect(res.body).toMatchObject({ units: 'imperial', alertsEnabled: true });
    await api(h, a.cookie).patch('/api/me/settings', { alertsEnabled: false }).expect(200);
    const me = await api(h, a.cookie).get('/api/me').expect(200);
    expect(me.body).toMatchObject({ units: 'imperial', alertsEnabled: false });
    for (const body of [{}, { units: 'furlongs' }, { alertsEnabled: 'yes' }]) {
      await api(h, a.cookie).patch('/api/me/settings', body).expect(400);
    }
    await api(h, a.cookie).patch('/api/me/settings', { units: 'metric', alertsEnabled: true }).expect(200);
  });

  it('POST /api/checkins: 201 with the stored check-in and the plan after it', async () => {
    const res = await api(h, a.cookie).post('/api/checkins', { feeling: 'sore' }).expect(201);
    expect(res.body.checkIn).toMatchObject({ feeling: 'sore', source: 'api' });
    expect(typeof res.body.checkIn.id).toBe('string');
    expect(res.body.plan).toMatchObject({ phase: 'daily', sessionsPerWeek: 7 });
    const rows = await h.app.deps.db.select().from(checkIns).where(eq(checkIns.runnerId, a.runnerId));
    expect(rows).toHaveLength(1);
    for (const body of [{ feeling: 'great' }, {}, { feeling: 'fine', extra: 1 }]) {
      await api(h, a.cookie).post('/api/checkins', body).expect(400);
    }
  });

  it('Bodies must be JSON and small: 415, 413, 400 as JSON errors', async () => {
    const text = await request(h.app.url)
      .put('/api/me/email')
      .set('Cookie', a.cookie)
      .set('Content-Type', 'text/plain')
      .send('ada@example.test')
      .expect(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    const form = await request(h.app.url)
      .post('/api/checkins')
      .set('Cookie', a.cookie)
      .type('form')
      .send({ feeling: 'fine' })
      .expect(415);
    expect(form.body.error.code).toBe('unsupported_media_type');
    const big = await api(h, a.cookie)
      .put('/api/me/email', { email: 'a@b.test', pad: 'x'.repeat(5_000) })
      .expect(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const broken = await request(h.app.url)
      .post('/api/checkins')
      .set('Cookie', a.cookie)
      .set('Content-Type', 'application/json')
      .send('{"feeling":')
      .expect(400);
    expect(broken.body.error.code).toBe('bad_request');
    await request(h.app.url).get('/api/nope').set('Cookie', a.cookie).expect(404);
  });

  it('Every /api route answers 401 JSON without a session', async () => {
    const routes: [string, string][] = [
      ['get', '/api/me'],
      ['put', '/api/me/email'],
      ['patch', '/api/me/settings'],
      ['get', '/api/plan'],
      ['get', '/api/detections'],
      ['get', '/api/activities'],
      ['post', '/api/checkins'],
    ];
    for (const [method, path] of routes) {
      const agent = request(h.app.url);
      const req =
        method === 'get'
          ? agent.get(path)
          : method === 'put'
            ? agent.put(path)
            : method === 'patch'
              ? agent.patch(path)
              : agent.post(path);
      const res = await req.send({ feeling: 'fine', email: 'x@example.test', units: 'metric' }).expect(401);
      expect(res.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    }
  });

  describe('isolation: runner A naming runner B gets only A’s data or an error, and B is unchanged', () => {
    async function snapshotB() {
      const [runner] = await h.app.deps.db.select().from(runners).where(eq(runners.id, b.runnerId));
      const bCheckIns = await h.app.deps.db.select().from(checkIns).where(eq(checkIns.runnerId, b.runnerId));
      const bOutbox = await h.app.deps.db
        .select()
        .from(emailOutbox)
        .where(eq(emailOutbox.runnerId, b.runnerId));
      const plan = await api(h, b.cookie).get('/api/plan').expect(200);
      const { updatedAt: _u, ...rest } = runner!;
      return { runner: rest, checkIns: bCheckIns.length, outbox: bOutbox.length, plan: plan.body };
    }

    it('GET routes ignore ids in the query and headers', async () => {
      const before = await snapshotB();
      const bDetections = await h.app.deps.db
        .select()
        .from(detections)
        .where(eq(detections.runnerId, b.runnerId));
      expect(bDetections.length).toBeGreaterThan(0);
      const hostile = (path: string) =>
        api(h, a.cookie).get(path).set('X-Runner-Id', b.runnerId).set('X-Athlete-Id', b.athleteId);

      const me = await hostile(`/api/me?athleteId=${b.athleteId}&runnerId=${b.runnerId}`).expect(200);
      expect(me.body.athleteId).toBe(a.athleteId);

      const plan = await hostile(`/api/plan?runnerId=${b.runnerId}`).expect(200);
      expect(plan.body).toEqual((await api(h, a.cookie).get('/api/plan')).body);

      const dets = await hostile(`/api/detections?runnerId=${b.runnerId}`).expect(200);
      const bIds = new Set(bDetections.map((d) => d.id));
      expect(dets.body.length).toBeGreaterThan(0);
      expect(dets.body.some((d: { id: string }) => bIds.has(d.id))).toBe(false);
      await hostile(`/api/detections/${bDetections[0]!.id}`).expect(404);

      const acts = await hostile('/api/activities?days=365').expect(200);
      const bActs = new Set(b.seeded.activityIds);
      expect(acts.body.some((r: { id: string }) => bActs.has(r.id))).toBe(false);
      await hostile(`/api/activities?days=365&runnerId=${b.runnerId}`).expect(400);
      await hostile(`/api/activities/${b.seeded.activityIds[0]}`).expect(404);

      expect(await snapshotB()).toEqual(before);
    });

    it('Writes naming B are refused or applied to A only', async () => {
      const before = await snapshotB();
      await api(h, a.cookie)
        .put('/api/me/email', { email: 'b-hijack@example.test', runnerId: b.runnerId })
        .expect(400);
      await api(h, a.cookie)
        .patch('/api/me/settings', { alertsEnabled: false, athleteId: b.athleteId })
        .expect(400);
      await api(h, a.cookie).post('/api/checkins', { feeling: 'pain', runnerId: b.runnerId }).expect(400);

      await api(h, a.cookie)
        .put('/api/me/email', { email: 'ada2@example.test' })
        .set('X-Runner-Id', b.runnerId)
        .expect(202);
      await api(h, a.cookie)
        .patch('/api/me/settings', { units: 'imperial' })
        .set('X-Runner-Id', b.runnerId)
        .expect(200);
      await api(h, a.cookie)
        .post('/api/checkins', { feeling: 'pain' })
        .set('X-Runner-Id', b.runnerId)
        .expect(201);

      expect(await snapshotB()).toEqual(before);
      const me = await api(h, a.cookie).get('/api/me').expect(200);
      expect(me.body).toMatchObject({ email: 'ada2@example.test', units: 'imperial' });
    });
  });
});
