import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, connectAthlete, type SimHarness, startTestSimulator } from './helpers.js';

const RATE_LIMITED =
  '{"message":"Rate Limit Exceeded","errors":[{"resource":"Application","field":"rate limit","code":"exceeded"}]}';

let sim: SimHarness;
let token: string;
let fakeNow: number;

beforeEach(async () => {
  // A fixed base clock at 10:05 UTC; the control API moves it.
  fakeNow = Date.parse('2026-03-10T10:05:00Z');
  sim = await startTestSimulator({
    now: () => new Date(fakeNow),
    limits: { readFifteenMin: 3, readDaily: 10 },
  });
  const athleteId = (await sim.control.createAthlete({ firstname: 'Ana' })).id;
  token = (await connectAthlete(sim, athleteId)).access_token;
});
afterEach(() => sim.close());

const usage = (res: { headers: Headers }) => ({
  limit: res.headers.get('x-ratelimit-limit'),
  usage: res.headers.get('x-ratelimit-usage'),
  readLimit: res.headers.get('x-readratelimit-limit'),
  readUsage: res.headers.get('x-readratelimit-usage'),
});

describe('rate limits', () => {
  it('puts the four headers on every API answer, including 401s and 404s', async () => {
    const ok = await call(`${sim.apiUrl}/athlete`, { token });
    expect(usage(ok)).toEqual({ limit: '200,2000', usage: '1,1', readLimit: '3,10', readUsage: '1,1' });
    const unauthorized = await call(`${sim.apiUrl}/athlete`, { token: 'bogus' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('x-readratelimit-usage')).toBe('1,1');
    const notFound = await call(`${sim.apiUrl}/activities/1`, { token });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-readratelimit-usage')).toBe('2,2');
  });

  it('answers 429 with the exact body over the limit, and rejected calls still count toward the day', async () => {
    for (let i = 1; i <= 3; i++) expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(200);
    const limited = await call(`${sim.apiUrl}/athlete`, { token });
    expect(limited.status).toBe(429);
    expect(limited.text).toBe(RATE_LIMITED);
    expect(usage(limited).readUsage).toBe('4,4');
    const again = await call(`${sim.apiUrl}/athlete`, { token });
    expect(usage(again).readUsage).toBe('5,5');
    expect((await sim.control.getLimits()).usage['10000']).toMatchObject({ readFifteenMin: 5, readDaily: 5 });
  });

  it('resets the 15-minute window at the next quarter hour but keeps the daily count', async () => {
    for (let i = 0; i < 4; i++) await call(`${sim.apiUrl}/athlete`, { token });
    await sim.control.setClock({ set: '2026-03-10T10:14:59Z' });
    expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(429);
    await sim.control.setClock({ set: '2026-03-10T10:15:00Z' });
    const fresh = await call(`${sim.apiUrl}/athlete`, { token });
    expect(fresh.status).toBe(200);
    expect(usage(fresh).readUsage).toBe('1,6');
  });

  it('the daily limit holds across windows until midnight UTC', async () => {
    for (let w = 0; w < 4; w++) {
      await sim.control.advanceClock(15 * 60);
      for (let i = 0; i < 3; i++) await call(`${sim.apiUrl}/athlete`, { token });
    }
    await sim.control.advanceClock(15 * 60);
    const spent = await call(`${sim.apiUrl}/athlete`, { token });
    expect(spent.status).toBe(429);
    expect(usage(spent).readUsage).toBe('1,13');
    await sim.control.setClock({ set: '2026-03-11T00:00:00Z' });
    // The old token expired overnight (6 h lifetime): take a fresh one.
    const athleteId = (await sim.control.listAthletes())[0]?.id ?? '';
    const fresh = await sim.control.issueToken({ athleteId });
    const tomorrow = await call(`${sim.apiUrl}/athlete`, { token: fresh.access_token });
    expect(tomorrow.status).toBe(200);
    expect(usage(tomorrow).readUsage).toBe('1,1');
  });

  it('limits are changeable at runtime and usage can be reset', async () => {
    await sim.control.setLimits({ readFifteenMin: 100, readDaily: 1000 });
    for (let i = 0; i < 5; i++) expect((await call(`${sim.apiUrl}/athlete`, { token })).status).toBe(200);
    await sim.control.resetUsage();
    expect(usage(await call(`${sim.apiUrl}/athlete`, { token })).readUsage).toBe('1,1');
  });

  it('OAuth calls are not counted', async () => {
    await call(`${sim.oauthUrl}/token`, {
      form: { client_id: '10000', client_secret: 'x', grant_type: 'refresh_token' },
    });
    expect(usage(await call(`${sim.apiUrl}/athlete`, { token })).readUsage).toBe('1,1');
  });
});
