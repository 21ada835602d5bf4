import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStravaClient } from '../../src/integrations/strava/client.js';
import {
  StravaForbiddenError,
  StravaNotFoundError,
  StravaUnavailableError,
} from '../../src/integrations/strava/errors.js';
import { isRetryable } from '../../src/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import {
  type ConnectedRunner,
  connectRunner,
  createTestContext,
  type TestContext,
} from '../helpers/strava.js';

let database: TestDatabase;
let ctx: TestContext;
let runner: ConnectedRunner;

const DAY = 86_400_000;
const LIMITS = { readFifteenMin: 1_000, readDaily: 10_000, overallFifteenMin: 2_000, overallDaily: 20_000 };

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = await createTestContext({ database, sim: { limits: LIMITS }, strava: { retryBaseMs: 10 } });
  runner = await connectRunner(ctx, { firstname: 'Kathrine' });
});
afterAll(async () => {
  await ctx?.close();
  await database?.drop();
});

async function addActivity(athleteId: string, fields: Record<string, unknown> = {}) {
  const { activity } = await ctx.simControl.createActivity({
    athleteId,
    sport_type: 'Run',
    distance: 8_000,
    moving_time: 2_400,
    start_date: new Date(Date.now() - 2 * DAY).toISOString(),
    notify: false,
    ...fields,
  });
  return activity;
}

const requestsTo = async (prefix: string) => (await ctx.simControl.listRequests(prefix)).map((r) => r.status);

describe('Strava API calls', () => {
  it('lists activities as normalized runs, keeping a big id exactly', async () => {
    const a = await addActivity(runner.athleteId, { id: '18446744073709551615', name: 'Big id run' });
    const runs = await ctx.deps.strava.listActivities(runner.runnerId, {
      after: new Date(Date.now() - 30 * DAY),
    });
    const run = runs.find((r) => r.name === 'Big id run');
    expect(run?.id).toBe('18446744073709551615');
    expect(run).toMatchObject({ sportType: 'Run', distanceM: 8_000, movingTimeS: 2_400 });
    expect(run?.startDate.toISOString()).toBe(new Date(a.start_date).toISOString());

    const detail = await ctx.deps.strava.getActivity(runner.runnerId, '18446744073709551615');
    expect(detail.id).toBe('18446744073709551615');
    expect(detail.athleteId).toBe(runner.athleteId);
  });

  it('getActivity carries its owner and its shoe; getGear and getAthlete return our Shoe type', async () => {
    const shoe = await ctx.simControl.createShoe(runner.athleteId, { name: 'Pegasus', distance: 120_000 });
    const a = await addActivity(runner.athleteId, { gear_id: shoe.id });
    const detail = await ctx.deps.strava.getActivity(runner.runnerId, a.id);
    expect(detail.gearId).toBe(shoe.id);
    expect(detail.gear).toMatchObject({ id: shoe.id, name: 'Pegasus', retired: false });
    expect(detail.gear?.distanceM).toBeGreaterThanOrEqual(120_000);

    const gear = await ctx.deps.strava.getGear(runner.runnerId, shoe.id);
    expect(gear).toMatchObject({ id: shoe.id, name: 'Pegasus', retired: false });
    const athlete = await ctx.deps.strava.getAthlete(runner.runnerId);
    expect(athlete).toMatchObject({ id: runner.athleteId, firstname: 'Kathrine', units: 'metric' });
    expect(athlete.shoes?.map((s) => s.id)).toContain(shoe.id);
  });

  it('pages until an empty page, even when Strava returns short pages', async () => {
    const other = await connectRunner(ctx, { scopes: ['read', 'activity:read'], firstname: 'Short' });
    const base = Date.now() - 20 * DAY;
    // Seven activities, oldest first; the private ones are cut from pages after pagination.
    const privacy = [false, true, false, false, true, false, false];
    for (const [i, isPrivate] of privacy.entries()) {
      await addActivity(other.athleteId, {
        start_date: new Date(base + i * DAY).toISOString(),
        private: isPrivate,
      });
    }
    await ctx.simControl.clearRequests();
    const pages: number[] = [];
    const runs = await ctx.deps.strava.listAllActivities(other.runnerId, {
      after: new Date(base - DAY),
      perPage: 2,
      onPage: (page) => {
        pages.push(page.length);
      },
    });
    expect(runs).toHaveLength(5);
    expect(pages).toEqual([1, 2, 1, 1]); // short pages did not stop the listing
    expect(await requestsTo('/api/v3/athlete/activities')).toHaveLength(5); // four pages + the empty one
    const query = (await ctx.simControl.listRequests('/api/v3/athlete/activities'))[0]?.query;
    expect(query).toMatchObject({ per_page: '2', page: '1' });
  });

  it('scopes: Only You runs hidden without activity:read_all, shoes only with profile:read_all', async () => {
    const limited = await connectRunner(ctx, { scopes: ['read', 'activity:read'], firstname: 'Limited' });
    const full = await connectRunner(ctx, { firstname: 'Full' });
    for (const who of [limited, full]) {
      await ctx.simControl.createShoe(who.athleteId, { name: 'Trainer' });
      await addActivity(who.athleteId, { name: 'public' });
      await addActivity(who.athleteId, { name: 'only me', private: true, visibility: 'only_me' });
    }
    const names = async (who: ConnectedRunner) =>
      (await ctx.deps.strava.listActivities(who.runnerId)).map((r) => r.name).sort();
    expect(await names(limited)).toEqual(['public']);
    expect(await names(full)).toEqual(['only me', 'public']);

    const hidden = (await ctx.simControl.listActivities(limited.athleteId)).find((a) => a.private);
    await expect(ctx.deps.strava.getActivity(limited.runnerId, hidden?.id ?? '')).rejects.toBeInstanceOf(
      StravaNotFoundError,
    );
    expect((await ctx.deps.strava.getAthlete(limited.runnerId)).shoes).toBeNull();
    expect((await ctx.deps.strava.getAthlete(full.runnerId)).shoes?.map((s) => s.name)).toEqual(['Trainer']);
  });

  it('a missing activity scope is a permanent 403-class error, with no refresh and no retry', async () => {
    const readOnly = await connectRunner(ctx, { scopes: ['read'], firstname: 'ReadOnly' });
    await ctx.simControl.clearRequests();
    const err = await ctx.deps.strava.listActivities(readOnly.runnerId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StravaForbiddenError);
    expect(isRetryable(err)).toBe(false);
    expect(await requestsTo('/api/v3/')).toEqual([401]);
    expect(await requestsTo('/oauth/token')).toEqual([]);
  });

  it('5xx: retries twice with backoff, then a retryable StravaUnavailableError', async () => {
    await ctx.simControl.addFault({ path: '/api/v3/athlete', errorRate: 1, errorStatus: 503, count: 10 });
    await ctx.simControl.clearRequests();
    const started = Date.now();
    const err = await ctx.deps.strava.getAthlete(runner.runnerId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StravaUnavailableError);
    expect(isRetryable(err)).toBe(true);
    expect(await requestsTo('/api/v3/athlete')).toEqual([503, 503, 503]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10); // 10 ms base: ≥ 5 + 10 ms of jitter-bounded sleeps
    await ctx.simControl.clearFaults();
  });

  it('a transient 5xx is absorbed by the retry', async () => {
    await ctx.simControl.addFault({ path: '/api/v3/athlete', errorRate: 1, errorStatus: 502, count: 1 });
    await ctx.simControl.clearRequests();
    await expect(ctx.deps.strava.getAthlete(runner.runnerId)).resolves.toMatchObject({
      id: runner.athleteId,
    });
    expect(await requestsTo('/api/v3/athlete')).toEqual([502, 200]);
    await ctx.simControl.clearFaults();
  });

  it('timeouts count as unavailable and are retried like 5xx', async () => {
    const fast = ctx.createClient({ timeoutMs: 200, retryBaseMs: 5 });
    await ctx.simControl.addFault({ path: '/api/v3/athlete', latencyMs: 1_000, count: 3 });
    await ctx.simControl.clearRequests();
    const err = await fast.getAthlete(runner.runnerId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StravaUnavailableError);
    expect((err as Error).message).toContain('timeout');
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // let the simulator log the abandoned requests
    expect(await requestsTo('/api/v3/athlete')).toHaveLength(3);
    await ctx.simControl.clearFaults();
  });

  it('404 is permanent and never retried', async () => {
    await ctx.simControl.clearRequests();
    const err = await ctx.deps.strava.getActivity(runner.runnerId, '123').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StravaNotFoundError);
    expect(isRetryable(err)).toBe(false);
    expect(await requestsTo('/api/v3/activities/')).toEqual([404]);
  });

  it('counts calls by endpoint pattern and status, never by id', async () => {
    const metrics = await ctx.deps.metrics.stravaCalls.get();
    const endpoints = new Set(metrics.values.map((v) => String(v.labels.endpoint)));
    expect(endpoints).toContain('GET /activities/{id}');
    expect(endpoints).toContain('GET /athlete/activities');
    expect(endpoints).toContain('POST /oauth/token (code)');
    for (const endpoint of endpoints) expect(endpoint).not.toMatch(/\d{3,}/);
    const notFound = metrics.values.find(
      (v) => v.labels.endpoint === 'GET /activities/{id}' && v.labels.status === '404',
    );
    expect(notFound?.value).toBeGreaterThanOrEqual(1);
  });
});

describe('an HTTP 403', () => {
  let server: Server;
  let hits = 0;
  beforeAll(async () => {
    const app = express();
    app.get('/api/v3/push_subscriptions', (_req, res) => {
      hits++;
      res.status(403).json({ message: 'Forbidden', errors: [] });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is a permanent StravaForbiddenError, sent once', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = { ...ctx.deps.config, strava: { ...ctx.deps.config.strava, apiUrl: `${url}/api/v3` } };
    const client = createStravaClient({ ...ctx.deps, config });
    const err = await client.viewSubscriptions().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StravaForbiddenError);
    expect(isRetryable(err)).toBe(false);
    expect(hits).toBe(1);
  });
});
