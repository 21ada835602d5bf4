import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeyOf } from '../../src/app/webhook/event-key.js';
import { runners, webhookInbox } from '../../src/db/schema/index.js';
import { testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { waitFor } from '../helpers/fault-harness.js';
import { freePort, startRedisServer } from '../helpers/redis-server.js';

const ATHLETE = '880001';
const SUBSCRIPTION = '4242';
/** Unique events in the burst, and connections posting them at once. */
const EVENTS = 1_200;
const CONNECTIONS = 64;
/** The web process is SIGKILLed once this many events are acked: mid-burst. */
const KILL_AFTER_ACKS = 300;

type Outcome = { key: string; status: number | 'cut off' };

/** One event per index: its own object id and time, so each is its own inbox row. */
function eventOf(i: number) {
  const wire = {
    aspect_type: 'create',
    event_time: 1_700_000_000 + i,
    object_id: 9_000_000 + i,
    object_type: 'activity',
    owner_id: Number(ATHLETE),
    subscription_id: Number(SUBSCRIPTION),
    updates: {},
  };
  const key = eventKeyOf({
    objectType: 'activity',
    objectId: String(wire.object_id),
    aspectType: 'create',
    ownerId: ATHLETE,
    subscriptionId: SUBSCRIPTION,
    eventTime: wire.event_time,
    updates: {},
  });
  return { body: JSON.stringify(wire), key };
}

/** Posts one body; a reset, a refused connection or a timeout is "cut off" (no answer). */
function post(url: string, agent: Agent, body: string): Promise<number | 'cut off'> {
  return new Promise((resolve) => {
    const req = request(
      `${url}/webhooks/strava`,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', () => resolve('cut off'));
      },
    );
    req.once('error', () => resolve('cut off'));
    req.once('timeout', () => req.destroy());
    req.end(body);
  });
}

/**
 * docs/webhooks.md#inbox-before-ack, proven against a real crash: the web role
 * runs as its own process (`test/helpers/fault-process.ts`, the start-up of
 * `src/main.ts`) and is SIGKILLed in the middle of a burst of unique events
 * posted over many connections. Whatever was in flight is cut off; but every
 * request that got a 2xx has its inbox row, because the ack is written only
 * after the row is committed. Rows without an ack are fine (committed, answer
 * lost): Strava retries and the duplicate is recognised.
 */
describe('fault: web process SIGKILLed mid-burst', () => {
  let database: TestDatabase;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(runners).values({ athleteId: ATHLETE });
    redis = await startRedisServer();
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await redis?.stop();
    await database?.drop();
  });

  it('When the web process dies mid-burst, then every event acked 2xx has its inbox row', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const web = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/fault-process.ts'], {
      env: {
        ...process.env,
        ...testEnv({
          DATABASE_URL: database.url,
          REDIS_URL: redis.url,
          ROLE: 'web',
          PORT: String(port),
          HOST: '127.0.0.1',
          STRAVA_SUBSCRIPTION_ID: SUBSCRIPTION,
          LOG_LEVEL: 'warn',
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = web;
    web.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    web.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = once(web, 'exit');
    await waitFor(
      'the web process to be ready',
      async () => {
        if (web.exitCode !== null) throw new Error(`web process exited early:\n${output}`);
        const res = await fetch(`${url}/readyz`).catch(() => undefined);
        return res?.ok === true;
      },
      60_000,
      100,
    );

    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const outcomes: Outcome[] = [];
    let acked = 0;
    let killedAt: number | undefined;
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < EVENTS) {
          const { body, key } = eventOf(next++);
          const status = await post(url, agent, body);
          outcomes.push({ key, status });
          if (typeof status === 'number' && status >= 200 && status < 300) acked++;
          if (acked >= KILL_AFTER_ACKS && killedAt === undefined) {
            killedAt = outcomes.length;
            web.kill('SIGKILL');
          }
        }
      }),
    );
    agent.destroy();
    await exited;
    expect(web.signalCode).toBe('SIGKILL');

    const rows = new Set(
      (await database.db.select({ key: webhookInbox.eventKey }).from(webhookInbox)).map((r) => r.key),
    );
    const ackedOutcomes = outcomes.filter((o) => typeof o.status === 'number' && o.status < 300);
    const ackedWithoutRow = ackedOutcomes.filter((o) => !rows.has(o.key)).map((o) => o.key);
    const cutOff = outcomes.filter((o) => o.status === 'cut off').length;
    const statuses: Record<string, number> = {};
    for (const o of outcomes) statuses[String(o.status)] = (statuses[String(o.status)] ?? 0) + 1;
    console.warn(
      `[ledger] web-crash: ${JSON.stringify({
        sent: outcomes.length,
        acked: ackedOutcomes.length,
        cutOff,
        rows: rows.size,
        rowsWithoutAck: [...rows].filter((k) => !ackedOutcomes.some((o) => o.key === k)).length,
        ackedWithoutRow: ackedWithoutRow.length,
        statuses,
        killedAfterAnswers: killedAt,
        testMs: Date.now() - started,
      })}`,
    );

    expect(ackedWithoutRow, output.slice(-5_000)).toEqual([]);
    // The kill really was mid-burst: some events acked, some cut off, and nothing else answered.
    expect(ackedOutcomes.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(cutOff).toBeGreaterThan(0);
    expect(ackedOutcomes.length + cutOff).toBe(EVENTS);
  }, 90_000);
});
