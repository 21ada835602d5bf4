import type { Worker } from 'bullmq';
import { eq, inArray } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRunner as connectThroughCallback } from '../../src/app/connect-runner.js';
import { runners } from '../../src/db/schema/index.js';
import { readGovernorView } from '../../src/integrations/strava/rate-governor.js';
import { windowBounds } from '../../src/integrations/strava/rate-windows.js';
import { analyzeRunnerJob } from '../../src/jobs/analyze-runner/job.js';
import { createWorkerConnection } from '../../src/jobs/redis.js';
import { closeWorkers, startWorkers } from '../../src/jobs/worker.js';
import { eventually } from '../helpers/eventually.js';
import { silentLogger } from '../helpers/logger.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

const ALL_SCOPES = ['read', 'activity:read_all', 'profile:read_all'];
/** The simulator's 15-minute read limit in these tests: background work may use 20 − 2 − 4 = 14. */
const READ_15MIN = 20;
const BACKGROUND_SHARE = READ_15MIN - 2 - Math.ceil(READ_15MIN * 0.2);

/**
 * Interactive work first (docs/strava-quota.md#interactive-work-first): when the 15-minute
 * budget runs short, re-analyses wait for the next window (without using an attempt and without
 * pausing the queue) and a runner who just connected still gets their history read.
 */
describe('interactive work first', () => {
  let ctx: TestContext;
  let workerRedis: Redis;
  let workers: Worker[] = [];

  beforeAll(async () => {
    // Never straddle a quarter hour: the windows would reset mid-test.
    const msLeft = windowBounds('15min', new Date()).endMs - Date.now();
    if (msLeft < 90_000) await new Promise((r) => setTimeout(r, msLeft + 1_000));
    ctx = await createTestContext({ sim: { limits: { readFifteenMin: READ_15MIN, readDaily: 10_000 } } });
    workerRedis = createWorkerConnection(ctx.deps.config.redisUrl, silentLogger);
  }, 120_000);
  afterEach(async () => {
    await closeWorkers(workers, 5_000);
    workers = [];
  });
  afterAll(async () => {
    workerRedis?.disconnect();
    await ctx?.close();
  });

  const listCalls = async () => ctx.simControl.listRequests('/api/v3/athlete/activities');

  /** Runners read before: their next analysis is a background re-analysis. */
  async function readBefore(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await connectRunner(ctx, { firstname: `Bg${i}` })).runnerId);
    const now = new Date();
    await ctx.deps.db
      .update(runners)
      .set({
        lastAnalyzedAt: new Date(now.getTime() - 3_600_000),
        backfillStatus: 'done',
        analysisDueAt: now,
      })
      .where(inArray(runners.id, ids));
    return ids;
  }

  async function connectNewRunner(firstname: string) {
    const consent = await ctx.simControl.authorize({
      clientId: ctx.deps.config.strava.clientId,
      redirectUri: `${ctx.deps.config.publicUrl}/auth/strava/callback`,
      scopes: ALL_SCOPES,
      newAthleteFirstname: firstname,
    });
    const authorization = await ctx.deps.strava.exchangeCode(consent.code!);
    return connectThroughCallback(ctx.deps, authorization, ALL_SCOPES);
  }

  /**
   * When a delayed job becomes due: its score in the delayed set (BullMQ keeps the due time in
   * the score's high bits). `timestamp + delay` is not it after `moveToDelayed`, whose delay counts
   * from the move, not from the add.
   */
  async function dueAt(jobId: string): Promise<number> {
    const queue = ctx.deps.queues.analysis;
    const score = await ctx.deps.redis.zscore(queue.toKey('delayed'), jobId);
    return Math.floor(Number(score) / 0x1000);
  }

  /** The runner's latest analysis job, whatever its state. */
  async function jobOf(runnerId: string) {
    const jobs = await ctx.deps.queues.analysis.getJobs([
      'completed',
      'active',
      'delayed',
      'waiting',
      'prioritized',
    ]);
    const job = jobs.filter((j) => j.data.runnerId === runnerId).sort((a, b) => b.timestamp - a.timestamp)[0];
    return { job, state: job ? await job.getState() : 'gone' };
  }

  it('a short budget holds re-analyses for the next window, and a connect backfill still runs', async () => {
    const background = await readBefore(BACKGROUND_SHARE + 4);
    workers = startWorkers(ctx.deps, [analyzeRunnerJob as never], { connection: workerRedis });
    await ctx.simControl.clearRequests();
    for (const id of background) await ctx.deps.jobs.requestAnalysis(id, { reason: 'event' });

    // Background work spends its share and stops: the last four wait, delayed to the next window.
    const nextWindow = windowBounds('15min', new Date()).endMs;
    const held = await eventually(async () => {
      const states = await Promise.all(background.map(jobOf));
      const waiting = states.filter((s) => s.state === 'delayed' && s.job!.delay > 3_000);
      expect(waiting).toHaveLength(4);
      return waiting;
    }, 30_000);
    expect(await listCalls()).toHaveLength(BACKGROUND_SHARE);
    for (const { job } of held) {
      expect(job!.attemptsMade).toBe(0);
      expect(await dueAt(job!.id!)).toBeGreaterThanOrEqual(nextWindow);
    }

    // A runner connects now: their backfill is not held behind the re-analyses.
    const connected = await connectNewRunner('Newcomer');
    await eventually(async () => {
      const [row] = await ctx.deps.db.select().from(runners).where(eq(runners.id, connected.runnerId));
      expect(row!.backfillStatus).toBe('done');
    }, 30_000);
    const calls = await listCalls();
    expect(calls.map((c) => c.status)).toEqual(Array(BACKGROUND_SHARE + 1).fill(200));
    const [newcomer] = await ctx.deps.db
      .select({ athleteId: runners.athleteId })
      .from(runners)
      .where(eq(runners.id, connected.runnerId));
    expect(calls.at(-1)!.athleteId).toBe(newcomer!.athleteId);
    // The re-analyses are still waiting for the next window.
    for (const id of background.filter((id) => held.some((h) => h.job!.data.runnerId === id))) {
      expect((await jobOf(id)).state).toBe('delayed');
    }
    const read15 = (await readGovernorView(ctx.deps.redis, ctx.deps.config.queuePrefix, new Date())).find(
      (v) => v.family === 'read' && v.window === '15min',
    );
    expect(read15).toMatchObject({ usage: BACKGROUND_SHARE + 1, limit: READ_15MIN });
  });

  it('a connect backfill queued behind re-analyses is taken first', async () => {
    const background = await readBefore(3);
    for (const id of background) await ctx.deps.jobs.requestAnalysis(id, { reason: 'event' });
    const connected = await connectNewRunner('Second');
    // Every job is due (past the debounce) before the worker starts: it promotes them all at once.
    const ids = [...background, connected.runnerId];
    await eventually(async () => {
      for (const id of ids) {
        const { job } = await jobOf(id);
        expect(job!.timestamp + job!.delay).toBeLessThan(Date.now());
      }
    }, 15_000);
    workers = startWorkers(ctx.deps, [analyzeRunnerJob as never], { connection: workerRedis });
    const interactive = await eventually(async () => {
      const { job } = await jobOf(connected.runnerId);
      expect(job?.processedOn).toBeDefined();
      return job!;
    }, 15_000);
    for (const id of background) {
      const { job } = await jobOf(id);
      if (job?.processedOn !== undefined)
        expect(interactive.processedOn!).toBeLessThanOrEqual(job.processedOn);
    }
  });
});
