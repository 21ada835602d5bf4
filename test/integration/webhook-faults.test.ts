import { Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeyOf } from '../../src/app/webhook/event-key.js';
import { sweepInbox } from '../../src/app/webhook/sweep-inbox.js';
import { runners, webhookInbox } from '../../src/db/schema/index.js';
import { scopedJobId } from '../../src/jobs/job-ids.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const ATHLETE = '777001';

let clock = 1_700_000_000;
function body() {
  const eventTime = clock++;
  return {
    wire: {
      aspect_type: 'create',
      event_time: eventTime,
      object_id: 42,
      object_type: 'activity',
      owner_id: Number(ATHLETE),
      subscription_id: 1,
      updates: {},
    },
    key: eventKeyOf({
      objectType: 'activity',
      objectId: '42',
      aspectType: 'create',
      ownerId: ATHLETE,
      subscriptionId: '1',
      eventTime,
      updates: {},
    }),
  };
}

/**
 * The web role against a private redis-server and Postgres behind a TCP fault
 * proxy, so both can be cut without touching the machine's shared services.
 */
describe('webhook intake under dependency faults', () => {
  let database: TestDatabase;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let pgProxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let app: Running;

  /** The answer, once the hand-off behind it has reached Redis or been reported. */
  const post = async (wire: object) => {
    const res = await request(app.url)
      .post('/webhooks/strava')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(wire));
    await app.deps.jobs.flushEventHandOffs();
    return res;
  };
  const rowOf = async (key: string) =>
    (await database.db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, key)))[0];
  const metric = async (outcome: string) =>
    (await app.deps.metrics.webhookEvents.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(runners).values({ athleteId: ATHLETE });
    redis = await startRedisServer();
    pgProxy = await startTcpProxy(Number(new URL(database.url).port || 5432));
    const url = new URL(database.url);
    url.port = String(pgProxy.port);
    app = await startTestApp(
      testEnv({
        DATABASE_URL: url.toString(),
        REDIS_URL: redis.url,
        ROLE: 'web',
        STRAVA_SUBSCRIPTION_ID: '1',
      }),
    );
  });
  afterAll(async () => {
    await app?.stop();
    await pgProxy?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('When Redis is down, then the event is still acked from its committed row, and the sweeper enqueues it after Redis returns', async () => {
    // A queue that has never talked to Redis waits for it to come up (our 300 ms deadline cuts that
    // wait and the add completes after reconnect); a running service's queues are long initialised.
    await app.deps.queues.events.getJobCounts();
    await redis.kill();
    // Once the producer has noticed, adds fail at once (no offline queue). Before that, an add already
    // written to the dying socket may be replayed after reconnect: harmless, but not what this test is about.
    await eventually(async () => expect(app.deps.redis.status).not.toBe('ready'));
    const { wire, key } = body();
    const notEnqueued = await metric('recorded_not_enqueued');
    const started = Date.now();
    const res = await post(wire);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await rowOf(key)).toMatchObject({ status: 'received' });
    expect(await metric('recorded_not_enqueued')).toBe(notEnqueued + 1);

    await redis.restart();
    await eventually(async () => expect(await app.deps.redis.ping()).toBe('PONG'));
    // The restarted Redis is empty; the sweeper (here with no age threshold) re-creates the job from Postgres.
    expect(await app.deps.queues.events.getJob(scopedJobId(app.deps.database, key))).toBeUndefined();
    const swept = await sweepInbox(app.deps, { staleAfterMs: 0, limit: 500 });
    expect(swept.eventsAdded).toBeGreaterThanOrEqual(1);
    const job = await app.deps.queues.events.getJob(scopedJobId(app.deps.database, key));
    expect(job?.data).toEqual({ eventKey: key });
    // A second sweep leaves the waiting job alone.
    expect((await sweepInbox(app.deps, { staleAfterMs: 0, limit: 500 })).eventsAdded).toBe(0);
  });

  it('When the sweeper finds an unfinished row whose job already completed, then it replaces the job', async () => {
    const { wire, key } = body();
    expect((await post(wire)).status).toBe(200);
    // A worker that completes the job without finishing the row (as if its database write was lost).
    const worker = new Worker('events', async () => 'lost', {
      connection: app.deps.config.redisUrl ? { url: app.deps.config.redisUrl } : {},
      prefix: app.deps.config.queuePrefix,
    });
    await eventually(async () =>
      expect(await app.deps.queues.events.getJobState(scopedJobId(app.deps.database, key))).toBe('completed'),
    );
    await worker.close();
    expect((await rowOf(key))!.status).toBe('received');
    await sweepInbox(app.deps, { staleAfterMs: 0, limit: 500 });
    expect(await app.deps.queues.events.getJobState(scopedJobId(app.deps.database, key))).toBe('waiting');
  });

  it('re-enqueues runners whose analysis has been due too long', async () => {
    const [runner] = await database.db
      .update(runners)
      .set({ analysisDueAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(runners.athleteId, ATHLETE))
      .returning();
    const swept = await sweepInbox(app.deps, { staleAfterMs: 2 * 60_000, limit: 500 });
    expect(swept.analyses).toBe(1);
    expect(swept.analysesAdded).toBe(1);
    const jobs = await app.deps.queues.analysis.getJobs(['delayed', 'waiting']);
    expect(jobs.map((j) => j.data)).toContainEqual({ runnerId: runner!.id });
  });

  it('When Postgres is unreachable, then the answer is 503 within 1.5 s and nothing is enqueued; it recovers after', async () => {
    pgProxy.setMode('blackhole');
    const { wire, key } = body();
    const unavailable = await metric('unavailable');
    const started = Date.now();
    const res = await post(wire);
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(elapsed).toBeLessThan(1_500);
    expect(await metric('unavailable')).toBe(unavailable + 1);
    expect(await app.deps.queues.events.getJob(scopedJobId(app.deps.database, key))).toBeUndefined();

    pgProxy.setMode('pass');
    // Strava's retry then lands.
    await eventually(async () => {
      expect((await post(wire)).status).toBe(200);
    });
    expect(await rowOf(key)).toBeDefined();
    expect(await app.deps.queues.events.getJob(scopedJobId(app.deps.database, key))).toBeDefined();
  });

  it('When Postgres resets connections, then the answer is a fast 503, never a 500', async () => {
    pgProxy.setMode('reset');
    const res = await post(body().wire);
    expect(res.status).toBe(503);
    pgProxy.setMode('pass');
  });
});
