import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, connectAthlete, type SimHarness, startTestSimulator } from './helpers.js';

let sim: SimHarness;
let athleteId: string;
let token: string;

beforeEach(async () => {
  sim = await startTestSimulator();
  athleteId = (await sim.control.createAthlete({ firstname: 'Ana' })).id;
  token = (await connectAthlete(sim, athleteId)).access_token;
});
afterEach(() => sim.close());

describe('fault injection', () => {
  it('error rate 1.0 answers 5xx on matching paths only, still with rate-limit headers', async () => {
    await sim.control.addFault({ path: '/api/v3/athlete/activities', errorRate: 1, errorStatus: 503 });
    const res = await call(`${sim.apiUrl}/athlete/activities`, { token });
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ message: 'Service Unavailable' });
    expect(res.headers.get('x-ratelimit-usage')).toBe('1,1');
    expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(200);
  });

  it('count limits a fault to the next N matching requests', async () => {
    await sim.control.addFault({ errorRate: 1, count: 2 });
    expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(500);
    expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(500);
    expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(200);
    expect(await sim.control.listFaults()).toEqual([]);
  });

  it('adds latency', async () => {
    await sim.control.addFault({ path: '/api/v3/**', latencyMs: 300 });
    const started = Date.now();
    expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await sim.control.clearFaults();
    expect(await sim.control.listFaults()).toEqual([]);
  });

  it('hang accepts the request and never answers (the client times out)', async () => {
    await sim.control.addFault({ hang: true, count: 1 });
    await expect(
      fetch(`${sim.apiUrl}/athlete`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(200);
  });

  it('forces 429 for a number of seconds of simulator time', async () => {
    await sim.control.addFault({ rateLimited: true, durationSeconds: 30 });
    const res = await call(`${sim.apiUrl}/athlete`, { token });
    expect(res.status).toBe(429);
    expect(res.json).toMatchObject({ message: 'Rate Limit Exceeded' });
    await sim.control.advanceClock(31);
    expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(200);
  });

  it('reproduces the fresh-create 404: by fault rule or per activity', async () => {
    const { activity } = await sim.control.createActivity({ athleteId, not_found_fetches: 1 });
    const url = `${sim.apiUrl}/activities/${activity.id}`;
    expect((await call(url, { token })).status).toBe(404);
    expect((await call(url, { token })).status).toBe(200);
    await sim.control.addFault({ path: `/api/v3/activities/${activity.id}`, notFound: true, count: 1 });
    expect((await call(url, { token })).status).toBe(404);
    expect((await call(url, { token })).status).toBe(200);
  });

  it('faults apply to OAuth too (a 5xx from /oauth/token)', async () => {
    await sim.control.addFault({ path: '/oauth/token', method: 'POST', errorRate: 1, count: 1 });
    const res = await call(`${sim.oauthUrl}/token`, { form: { grant_type: 'refresh_token' } });
    expect(res.status).toBe(500);
  });

  it('rejects a fault without any effect', async () => {
    await expect(sim.control.addFault({ path: '/api/v3/**' })).rejects.toThrow(/400/);
  });
});
