import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeyOf } from '../../src/app/webhook/event-key.js';
import { ANALYSIS_COALESCE_MS } from '../../src/db/repositories/analysis-due.js';
import { runners, webhookInbox } from '../../src/db/schema/index.js';
import { createApp } from '../../src/http/app.js';
import { createStravaWebhookRouter } from '../../src/http/strava-webhook/route.js';
import { ANALYZE_RUNNER_JOB } from '../../src/jobs/analysis-request.js';
import { scopedJobId } from '../../src/jobs/job-ids.js';
import type { ProcessDeps } from '../../src/jobs/process-deps.js';
import { createWorkerConnection } from '../../src/jobs/redis.js';
import { stravaEventJob } from '../../src/jobs/strava-event/job.js';
import { closeWorkers, startWorkers } from '../../src/jobs/worker.js';
import type { Running } from '../../src/server.js';
import { AppError } from '../../src/shared/errors.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { silentLogger } from '../helpers/logger.js';

const SUBSCRIPTION = 120475;

type Verdict = 'authorized' | 'revoked' | 'broken';

/**
 * The web role answers the posts; the 'events' worker runs here with only
 * the event job, so nothing else (the lead's analysis processor) consumes
 * the 'analysis' queue and its jobs can be inspected. Strava's verdict on a
 * grant is stubbed per athlete.
 */
describe('processing Strava events (events worker, real Postgres and Redis)', () => {
  let database: TestDatabase;
  let app: Running;
  let server: Server;
  let url: string;
  let workerRedis: Redis;
  let workers: Worker[];
  const verdicts = new Map<string, Verdict>();
  let nextAthlete = 5_000;
  let clock = 1_700_000_000;

  const addRunner = async () => {
    const [runner] = await database.db
      .insert(runners)
      .values({ athleteId: String(nextAthlete++) })
      .returning();
    return runner!;
  };
  const event = (athleteId: string, overrides: Record<string, unknown> = {}) => ({
    aspect_type: 'create',
    event_time: clock++,
    object_id: 1_000_000 + clock,
    object_type: 'activity',
    owner_id: Number(athleteId),
    subscription_id: SUBSCRIPTION,
    updates: {},
    ...overrides,
  });
  const keyOf = (b: ReturnType<typeof event>) =>
    eventKeyOf({
      objectType: b.object_type as 'activity' | 'athlete',
      objectId: String(b.object_id),
      aspectType: b.aspect_type as 'create',
      ownerId: String(b.owner_id),
      subscriptionId: String(b.subscription_id),
      eventTime: b.event_time,
      updates: b.updates as Record<string, string>,
    });
  /** Answered 200, and the hand-off behind the answer has reached Redis. */
  const post = async (b: object) => {
    await request(url)
      .post('/webhooks/strava')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(b))
      .expect(200);
    await app.deps.jobs.flushEventHandOffs();
  };
  const rowOf = async (key: string) =>
    (await database.db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, key)))[0];
  const runnerOf = async (id: string) =>
    (await database.db.select().from(runners).where(eq(runners.id, id)))[0];
  const analysisJobs = async (runnerId: string) =>
    (await app.deps.queues.analysis.getJobs(['waiting', 'delayed', 'active', 'prioritized'])).filter(
      (j) => j.name === ANALYZE_RUNNER_JOB && (j.data as { runnerId: string }).runnerId === runnerId,
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp(
      testEnv({ DATABASE_URL: database.url, ROLE: 'web', STRAVA_SUBSCRIPTION_ID: String(SUBSCRIPTION) }),
    );
    const deps: ProcessDeps = {
      ...app.deps,
      strava: {
        ...app.deps.strava,
        async verifyAuthorization(runnerId: string) {
          const runner = await runnerOf(runnerId);
          const verdict = verdicts.get(runner!.athleteId) ?? 'authorized';
          if (verdict === 'broken') throw new AppError('strava_forbidden', 'Strava said 403', 403, false);
          return verdict;
        },
      },
    };
    // One server for all posts, with the per-ip limit raised: this file posts hundreds of events from one address.
    server = createApp(deps, [
      { path: '/webhooks/strava', router: createStravaWebhookRouter(deps, { requestsPerMinute: 1_000_000 }) },
    ]).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    workerRedis = createWorkerConnection(app.deps.config.redisUrl, silentLogger);
    workers = startWorkers(deps, [stravaEventJob as never], { connection: workerRedis });
  });
  afterAll(async () => {
    await closeWorkers(workers ?? [], 5_000);
    await workerRedis?.quit();
    await new Promise((resolve) => server?.close(resolve));
    for (const queue of Object.values(app?.deps.queues ?? {}))
      await queue.obliterate({ force: true }).catch(() => undefined);
    await app?.stop();
    await database?.drop();
  });

  it('When an activity is created and nothing is due, then the row is done and the analysis is queued at once', async () => {
    const runner = await addRunner();
    const b = event(runner.athleteId);
    await post(b);
    const key = keyOf(b);
    await eventually(async () => {
      expect(await rowOf(key)).toMatchObject({ status: 'done', attempts: 1, finishedAt: expect.any(Date) });
    });
    expect((await runnerOf(runner.id))!.analysisDueAt).toBeInstanceOf(Date);
    const jobs = await analysisJobs(runner.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toEqual({ runnerId: runner.id });
    expect(jobs[0]!.opts.delay).toBe(0);
    expect(jobs[0]!.opts.deduplication).toMatchObject({
      id: scopedJobId(app.deps.database, `analyze-${runner.id}`),
      keepLastIfActive: true,
    });

    // A second event while that analysis is due (not yet started) adds nothing: the queued one reads it.
    const second = event(runner.athleteId);
    await post(second);
    await eventually(async () => expect(await rowOf(keyOf(second))).toMatchObject({ status: 'done' }));
    expect(await analysisJobs(runner.id)).toHaveLength(1);
  });

  it('When an analysis is already due, then an event waits the coalescing window, and a later immediate request pulls it forward', async () => {
    const runner = await addRunner();
    // As while an analysis runs: the due mark is cleared only by its commit.
    await database.db
      .update(runners)
      .set({ analysisDueAt: new Date(Date.now() - 1_000) })
      .where(eq(runners.id, runner.id));
    const b = event(runner.athleteId);
    await post(b);
    await eventually(async () => expect(await rowOf(keyOf(b))).toMatchObject({ status: 'done' }));
    const [job] = await analysisJobs(runner.id);
    expect(job?.opts.delay).toBe(ANALYSIS_COALESCE_MS);
    expect(await job!.getState()).toBe('delayed');

    await app.deps.jobs.requestAnalysis(runner.id, { reason: 'test', timing: { immediate: true } });
    const jobs = await analysisJobs(runner.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.id).toBe(job!.id);
    expect(jobs[0]!.delay).toBe(0);
  });

  it('When an analysis read Strava a moment ago (its job may still be finishing), then an event waits the coalescing window', async () => {
    const runner = await addRunner();
    await database.db
      .update(runners)
      .set({ lastAnalyzedAt: new Date(Date.now() - 500) })
      .where(eq(runners.id, runner.id));
    const b = event(runner.athleteId);
    await post(b);
    await eventually(async () => expect(await rowOf(keyOf(b))).toMatchObject({ status: 'done' }));
    const [job] = await analysisJobs(runner.id);
    expect(job?.opts.delay).toBe(ANALYSIS_COALESCE_MS);
  });

  it.each([
    ['a type change', { aspect_type: 'update', updates: { type: 'Run' } }],
    ['going private', { aspect_type: 'update', updates: { private: 'true' } }],
    ['a delete', { aspect_type: 'delete', updates: {} }],
  ])('When an activity update is %s, then an analysis is requested', async (_name, overrides) => {
    const runner = await addRunner();
    const b = event(runner.athleteId, overrides);
    await post(b);
    await eventually(async () => expect((await rowOf(keyOf(b)))?.status).toBe('done'));
    expect((await runnerOf(runner.id))!.analysisDueAt).not.toBeNull();
    expect(await analysisJobs(runner.id)).toHaveLength(1);
  });

  it('When only the title changes, then the row is done and no analysis is requested', async () => {
    const runner = await addRunner();
    const b = event(runner.athleteId, { aspect_type: 'update', updates: { title: 'Evening jog' } });
    await post(b);
    await eventually(async () => expect((await rowOf(keyOf(b)))?.status).toBe('done'));
    expect((await runnerOf(runner.id))!.analysisDueAt).toBeNull();
    expect(await analysisJobs(runner.id)).toHaveLength(0);
  });

  it('When a deauthorization is forged (Strava still accepts the grant), then nothing is deleted and it is counted', async () => {
    const runner = await addRunner();
    const forged = (await app.deps.metrics.forgedDeauthorizations.get()).values[0]?.value ?? 0;
    const b = event(runner.athleteId, {
      object_type: 'athlete',
      aspect_type: 'update',
      object_id: Number(runner.athleteId),
      updates: { authorized: 'false' },
    });
    await post(b);
    await eventually(async () => expect((await rowOf(keyOf(b)))?.status).toBe('done'));
    expect(await runnerOf(runner.id)).toBeDefined();
    expect((await app.deps.metrics.forgedDeauthorizations.get()).values[0]?.value).toBe(forged + 1);
  });

  it('When Strava confirms the revocation, then the runner and its inbox rows are gone', async () => {
    const runner = await addRunner();
    verdicts.set(runner.athleteId, 'revoked');
    const earlier = event(runner.athleteId, { aspect_type: 'update', updates: { title: 'x' } });
    await post(earlier);
    await eventually(async () => expect((await rowOf(keyOf(earlier)))?.status).toBe('done'));
    const b = event(runner.athleteId, {
      object_type: 'athlete',
      aspect_type: 'update',
      object_id: Number(runner.athleteId),
      updates: { authorized: 'false' },
    });
    await post(b);
    await eventually(async () => expect(await runnerOf(runner.id)).toBeUndefined());
    expect(await database.db.select().from(webhookInbox).where(eq(webhookInbox.runnerId, runner.id))).toEqual(
      [],
    );
  });

  it('When processing fails permanently, then the row is dead with the error and is not re-enqueued', async () => {
    const runner = await addRunner();
    verdicts.set(runner.athleteId, 'broken');
    const b = event(runner.athleteId, {
      object_type: 'athlete',
      aspect_type: 'update',
      object_id: Number(runner.athleteId),
      updates: { authorized: 'false' },
    });
    await post(b);
    const key = keyOf(b);
    // By shape (docs/errors.md): the code and the message we wrote, nothing the failure quoted.
    await eventually(async () =>
      expect(await rowOf(key)).toMatchObject({
        status: 'dead',
        attempts: 1,
        lastError: 'strava_forbidden: Strava said 403',
      }),
    );
    expect(await runnerOf(runner.id)).toBeDefined();
    // A later duplicate delivery of a dead row is a no-op.
    await post(b);
    expect(await app.deps.queues.events.getJobState(scopedJobId(app.deps.database, key))).toBe('failed');
  });

  it('When 300 events arrive for one runner, then every row is done and they collapse into at most a few analyses', async () => {
    const runner = await addRunner();
    const bodies = Array.from({ length: 300 }, () => event(runner.athleteId));
    for (let i = 0; i < bodies.length; i += 50) await Promise.all(bodies.slice(i, i + 50).map(post));
    await eventually(async () => {
      const rows = await database.db.select().from(webhookInbox).where(eq(webhookInbox.runnerId, runner.id));
      expect(rows).toHaveLength(300);
      expect(rows.every((r) => r.status === 'done')).toBe(true);
    }, 30_000);
    const jobs = await analysisJobs(runner.id);
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.length).toBeLessThanOrEqual(3);
  });
});
