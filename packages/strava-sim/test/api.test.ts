import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, connectAthlete, type SimHarness, startTestSimulator } from './helpers.js';

type Item = Record<string, unknown> & { id: number; name: string; start_date: string };

let sim: SimHarness;
let athleteId: string;

beforeEach(async () => {
  sim = await startTestSimulator({ activityIdStart: '5000' });
  athleteId = (await sim.control.createAthlete({ firstname: 'Ana', measurement_preference: 'feet' })).id;
});
afterEach(() => sim.close());

async function list(token: string, query = ''): Promise<Item[]> {
  const res = await call(`${sim.apiUrl}/athlete/activities${query}`, { token });
  expect(res.status).toBe(200);
  return res.json as Item[];
}

describe('scopes', () => {
  beforeEach(async () => {
    await sim.control.createActivity({ athleteId, name: 'Public', start_date: '2026-03-01T10:00:00Z' });
    await sim.control.createActivity({
      athleteId,
      name: 'Hidden',
      private: true,
      start_date: '2026-03-02T10:00:00Z',
    });
  });

  it('Only You activities are listed and fetchable only with activity:read_all', async () => {
    const all = await connectAthlete(sim, athleteId, ['read', 'activity:read_all']);
    expect((await list(all.access_token)).map((a) => a.name)).toEqual(['Hidden', 'Public']);
    const limited = await connectAthlete(sim, athleteId, ['read', 'activity:read']);
    const visible = await list(limited.access_token);
    expect(visible.map((a) => a.name)).toEqual(['Public']);
    const hidden = (await sim.control.listActivities(athleteId)).find((a) => a.name === 'Hidden');
    const res = await call(`${sim.apiUrl}/activities/${hidden?.id}`, { token: limited.access_token });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      message: 'Record Not Found',
      errors: [{ resource: 'Activity', field: 'id', code: 'invalid' }],
    });
  });

  it('users can untick scopes: a grant without activity scopes cannot list (401 missing permission)', async () => {
    const tokens = await connectAthlete(sim, athleteId, ['read', 'activity:read_all'], ['read']);
    const res = await call(`${sim.apiUrl}/athlete/activities`, { token: tokens.access_token });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ errors: [{ field: 'activity:read_permission', code: 'missing' }] });
  });

  it('GET /athlete has shoes only with profile:read_all', async () => {
    await sim.control.createShoe(athleteId, { name: 'Pegasus', distance: 160934.4 });
    const full = await connectAthlete(sim, athleteId, ['read', 'profile:read_all']);
    const detailed = (await call(`${sim.apiUrl}/athlete`, { token: full.access_token })).json as Record<
      string,
      unknown
    >;
    expect(detailed).toMatchObject({ resource_state: 3, measurement_preference: 'feet', firstname: 'Ana' });
    expect(detailed.shoes).toEqual([
      expect.objectContaining({
        name: 'Pegasus',
        primary: true,
        distance: 160934.4,
        converted_distance: 100,
        retired: false,
      }),
    ]);
    const basic = await connectAthlete(sim, athleteId, ['read']);
    const summary = (await call(`${sim.apiUrl}/athlete`, { token: basic.access_token })).json as Record<
      string,
      unknown
    >;
    expect(summary.resource_state).toBe(2);
    expect(summary).not.toHaveProperty('shoes');
  });
});

describe('activities and gear', () => {
  it("a detailed activity carries its gear summary; another athlete's activity and shoe are 404", async () => {
    const shoe = await sim.control.createShoe(athleteId, { name: 'Clifton', distance: 100_000 });
    const { activity } = await sim.control.createActivity({
      athleteId,
      distance: 10_000,
      moving_time: 3000,
      start_date: '2026-07-01T06:30:00Z',
      timezone: 'Europe/Berlin',
      average_heartrate: 151,
      workout_type: 3,
    });
    const tokens = await connectAthlete(sim, athleteId);
    const res = await call(`${sim.apiUrl}/activities/${activity.id}`, { token: tokens.access_token });
    expect(res.json).toMatchObject({
      resource_state: 3,
      athlete: { id: Number(athleteId) },
      sport_type: 'Run',
      type: 'Run',
      distance: 10_000,
      average_speed: 3.333,
      start_date: '2026-07-01T06:30:00Z',
      start_date_local: '2026-07-01T08:30:00Z',
      timezone: '(GMT+02:00) Europe/Berlin',
      utc_offset: 7200,
      has_heartrate: true,
      average_heartrate: 151,
      workout_type: 3,
      gear_id: shoe.id,
      gear: { id: shoe.id, name: 'Clifton', distance: 110_000 },
      private: false,
      visibility: 'everyone',
    });
    const gear = await call(`${sim.apiUrl}/gear/${shoe.id}`, { token: tokens.access_token });
    expect(gear.json).toMatchObject({ id: shoe.id, resource_state: 3, distance: 110_000 });

    const otherId = (await sim.control.createAthlete({ firstname: 'Bo' })).id;
    const other = await connectAthlete(sim, otherId);
    expect(
      (await call(`${sim.apiUrl}/activities/${activity.id}`, { token: other.access_token })).status,
    ).toBe(404);
    const gear404 = await call(`${sim.apiUrl}/gear/${shoe.id}`, { token: other.access_token });
    expect(gear404.status).toBe(404);
    expect(gear404.json).toMatchObject({ errors: [{ resource: 'Gear' }] });
  });

  it('TrailRun keeps type Run; heart-rate fields are absent without heart rate', async () => {
    const { activity } = await sim.control.createActivity({
      athleteId,
      sport_type: 'TrailRun',
      gear_id: null,
    });
    const tokens = await connectAthlete(sim, athleteId);
    const body = (await call(`${sim.apiUrl}/activities/${activity.id}`, { token: tokens.access_token }))
      .json as Item;
    expect(body).toMatchObject({ sport_type: 'TrailRun', type: 'Run', has_heartrate: false, gear_id: null });
    expect(body).not.toHaveProperty('average_heartrate');
  });

  it('answers 401 without a token and 404 with a Strava body for unknown routes', async () => {
    expect((await call(`${sim.apiUrl}/athlete`)).status).toBe(401);
    const tokens = await connectAthlete(sim, athleteId);
    const res = await call(`${sim.apiUrl}/athlete/zones`, { token: tokens.access_token });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ message: 'Record Not Found' });
  });
});

describe('GET /athlete/activities pagination and filters', () => {
  const DAY = 86_400;
  const base = Date.parse('2026-01-01T12:00:00Z') / 1000;
  let token: string;

  beforeEach(async () => {
    await sim.control.createActivities({
      activities: Array.from({ length: 45 }, (_, i) => ({
        athleteId,
        name: `Run ${i}`,
        start_date: new Date((base + i * DAY) * 1000).toISOString(),
      })),
    });
    token = (await connectAthlete(sim, athleteId)).access_token;
  });

  it('defaults to 30 per page, newest first, then iterates to an empty page', async () => {
    const first = await list(token);
    expect(first).toHaveLength(30);
    expect(first[0]?.name).toBe('Run 44');
    expect(first[29]?.name).toBe('Run 15');
    const second = await list(token, '?page=2');
    expect(second.map((a) => a.name)).toEqual(Array.from({ length: 15 }, (_, i) => `Run ${14 - i}`));
    expect(await list(token, '?page=3')).toEqual([]);
  });

  it('clamps per_page to 200', async () => {
    await sim.control.createActivities({
      activities: Array.from({ length: 200 }, (_, i) => ({
        athleteId,
        start_date: new Date((base - (i + 1) * 3600) * 1000).toISOString(),
      })),
    });
    expect(await list(token, '?per_page=500')).toHaveLength(200);
    expect(await list(token, '?per_page=500&page=2')).toHaveLength(45);
  });

  it('filters on start time: before is exclusive and descending, after is ascending', async () => {
    const before = await list(token, `?before=${base + 3 * DAY}`);
    expect(before.map((a) => a.name)).toEqual(['Run 2', 'Run 1', 'Run 0']);
    const after = await list(token, `?after=${base + 40 * DAY}&per_page=3`);
    expect(after.map((a) => a.name)).toEqual(['Run 41', 'Run 42', 'Run 43']);
    const window = await list(token, `?after=${base + 9 * DAY}&before=${base + 12 * DAY}`);
    expect(window.map((a) => a.name)).toEqual(['Run 10', 'Run 11']);
  });

  it('pages come back short when Only You activities are filtered out after paging', async () => {
    for (const activity of (await sim.control.listActivities(athleteId)).slice(0, 5)) {
      await sim.control.updateActivity(activity.id, { private: true });
    }
    const limited = await connectAthlete(sim, athleteId, ['read', 'activity:read']);
    const page1 = await list(limited.access_token, '?per_page=10');
    expect(page1).toHaveLength(5);
    expect(await list(limited.access_token, '?per_page=10&page=2')).toHaveLength(10);
  });
});
