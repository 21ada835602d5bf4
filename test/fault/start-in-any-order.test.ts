import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FaultHarness,
  sleep,
  startFaultHarness,
  type WorkerProcess,
  waitFor,
} from '../helpers/fault-harness.js';
import { checkLedger, formatLedger } from '../helpers/ledger.js';

/**
 * docs/degradation.md "Start in any order": `npm start` (ROLE=all, one process) started while
 * a dependency is down still listens. With Redis down: pages answer, webhooks are acked into
 * the Postgres inbox, /readyz says what is missing, the log says so once; when Redis comes back
 * the workers attach by themselves and every acked event is applied. With Postgres down:
 * webhooks answer 503 (Strava retries), pages show the outage page, and all of it recovers.
 * The process under test is spawned like `npm start`; the in-process app of the harness is a
 * web role only used to seed runners, and gets no webhook.
 */
const http = axios.create({ validateStatus: () => true, timeout: 10_000 });

function logLines(output: string): { level: number; msg: string }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

describe('fault: start with Redis down', () => {
  let h: FaultHarness;
  let proc: WorkerProcess;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 3, role: 'web' });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it('When ROLE=all starts with Redis down, then pages and acks work, /readyz and the log say why, and every event is applied once Redis is back', async () => {
    await h.redis.kill();
    proc = await h.spawnWorker({ ROLE: 'all', PORT: '0' });
    h.setCallback(proc.url);

    expect((await http.get(`${proc.url}/healthz`)).status).toBe(200);
    const ready = await http.get(`${proc.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.data.checks).toMatchObject({
      database: 'ok',
      redis: 'unavailable',
      workers: 'waiting for Redis',
    });
    expect(ready.data.missing).toEqual(['redis', 'workers']);
    const landing = await http.get(`${proc.url}/`);
    expect(landing.status).toBe(200);
    expect(landing.data).toContain('Protect your knees');

    // Events while Redis is away: acked from the inbox.
    const load = await h.runLoad({ events: 40, ratePerSecond: 10 });
    await h.sim.simulator.producer.flush();
    const outageLog = logLines(proc.output());
    await sleep(1_000);

    await h.redis.restart();
    await proc.waitForLog(/workers attached/, 40_000);
    await h.settleUnacked();
    const drain = await h.drain(60_000);
    const ledger = await checkLedger(h);
    console.warn(formatLedger('start-redis-down', ledger, { ops: load.ops, drainMs: drain.ms }));

    // The log said once, clearly, what is down and what happens meanwhile; no reconnect spam.
    const unreachable = outageLog.filter((l) => /Redis is unreachable/.test(l.msg));
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]?.msg).toMatch(/Meanwhile webhooks are still acknowledged into the Postgres inbox/);
    expect(outageLog.filter((l) => l.level >= 40).length).toBeLessThanOrEqual(6);
    expect(proc.output()).not.toMatch(/ECONNREFUSED.*ECONNREFUSED.*ECONNREFUSED/s);

    expect(drain, JSON.stringify(drain.state)).toMatchObject({ drained: true });
    expect(ledger.problems).toEqual([]);
    expect(ledger.numbers.acked).toBeGreaterThan(0);
    expect(ledger.numbers.applied).toBe(ledger.numbers.acked);
    // Redis being down never turned into an error answer (0: a starved machine answered late).
    expect(Object.keys(ledger.numbers.statuses).filter((s) => !['200', '0'].includes(s))).toEqual([]);
    expect(ledger.numbers.emailsSent).toBeGreaterThan(0);
    expect((await http.get(`${proc.url}/readyz`)).data.checks).toEqual({
      database: 'ok',
      redis: 'ok',
      workers: 'running',
    });
  }, 240_000);
});

describe('fault: start with Postgres down', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 1, role: 'web', pgProxy: true });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it('When ROLE=all starts with Postgres down, then webhooks answer 503, pages the outage page, and both recover', async () => {
    const proxy = h.pgProxy!;
    proxy.setMode('reset');
    const proc = await h.spawnWorker({ ROLE: 'all', PORT: '0' });
    const [runner] = h.runners;
    const event = {
      object_type: 'activity',
      object_id: 8_123_456,
      aspect_type: 'create',
      owner_id: Number(runner!.athleteId),
      subscription_id: Number(h.subscriptionId),
      event_time: Math.floor(Date.now() / 1000),
      updates: {},
    };

    expect((await http.get(`${proc.url}/healthz`)).status).toBe(200);
    const ready = await http.get(`${proc.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.data.missing).toEqual(expect.arrayContaining(['database', 'workers']));
    const refused = await http.post(`${proc.url}/webhooks/strava`, event);
    expect(refused.status).toBe(503);
    expect(refused.data).toEqual({
      error: { code: 'unavailable', message: 'Event not recorded, please retry' },
    });
    const page = await http.get(`${proc.url}/`);
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBe('30');
    expect(page.data).toContain('RampGuard is briefly unavailable');
    expect(page.data).toContain('Nothing is lost');
    const api = await http.get(`${proc.url}/api/me`);
    expect(api.status).toBe(503);
    expect(api.data.error.code).toBe('unavailable');
    expect(logLines(proc.output()).filter((l) => /Postgres is unreachable/.test(l.msg))).toHaveLength(1);

    proxy.setMode('pass');
    await waitFor('ready', async () => (await http.get(`${proc.url}/readyz`)).status === 200, 40_000);
    expect((await http.post(`${proc.url}/webhooks/strava`, event)).status).toBe(200);
    expect((await http.get(`${proc.url}/`)).status).toBe(200);
    expect(proc.output()).toMatch(/Postgres is reachable again/);
  }, 180_000);
});
