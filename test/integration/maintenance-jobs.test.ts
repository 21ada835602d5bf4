import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRunner } from '../../src/app/analysis/analyze-runner.js';
import { emailOutbox, planVersions, runners, runs } from '../../src/db/schema/index.js';
import type { JobContext, JobDefinition } from '../../src/jobs/definition.js';
import { purgeStravaCacheJob } from '../../src/jobs/purge-strava-cache/job.js';
import { reconcileRunnersJob } from '../../src/jobs/reconcile-runners/job.js';
import { reviewPlansJob } from '../../src/jobs/review-plans/job.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A clock the test moves by hand (the domain never reads a clock; jobs read this one). */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };

function run<T>(job: JobDefinition<T>, deps: TestContext['deps'], data: T) {
  const ctx: JobContext = { deps, jobId: 'test', attemptsMade: 0, rateLimitQueue: async () => {} };
  return job.process(data, ctx);
}

describe('maintenance jobs', () => {
  let ctx: TestContext;
  let runnerId: string;
  let athleteId: string;

  beforeAll(async () => {
    ctx = await createTestContext({ clock });
    ({ runnerId, athleteId } = await connectRunner(ctx, { firstname: 'Kip' }));
    const history = Array.from({ length: 10 }, (_, i) => ({
      athleteId,
      sport_type: 'Run' as const,
      distance: 6_000,
      moving_time: 2_000,
      start_date: new Date(Date.now() - (2 + i * 3) * DAY).toISOString(),
    }));
    await ctx.simControl.createActivities({ activities: history });
    await analyzeRunner(ctx.deps, runnerId);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('reconciliation re-reads runners not analysed for a day, catching a run whose event was lost', async () => {
    await ctx.simControl.createActivity({ athleteId, distance: 5_000, moving_time: 1_800, notify: false });
    expect(await run(reconcileRunnersJob, ctx.deps, {})).toMatchObject({ detail: '0 runners re-read' });
    clock.offsetMs = 23 * HOUR;
    expect(await run(reconcileRunnersJob, ctx.deps, {})).toMatchObject({ detail: '0 runners re-read' });
    clock.offsetMs = 25 * HOUR;
    expect(await run(reconcileRunnersJob, ctx.deps, {})).toMatchObject({ detail: '1 runners re-read' });
    const [runner] = await ctx.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    expect(runner?.analysisDueAt).not.toBeNull();
    expect(await ctx.deps.queues.analysis.count()).toBe(1);
    await analyzeRunner(ctx.deps, runnerId);
    expect(await ctx.deps.db.select().from(runs).where(eq(runs.runnerId, runnerId))).toHaveLength(11);
  });

  it('the cache purge deletes runs and shoes fetched more than STRAVA_CACHE_DAYS ago, keeping plans', async () => {
    clock.offsetMs = 25 * HOUR + 6 * DAY;
    await run(purgeStravaCacheJob, ctx.deps, {});
    expect(await ctx.deps.db.select().from(runs).where(eq(runs.runnerId, runnerId))).toHaveLength(11);
    clock.offsetMs = 25 * HOUR + 8 * DAY;
    expect(await run(purgeStravaCacheJob, ctx.deps, {})).toMatchObject({ detail: '11 runs, 0 shoes' });
    expect(await ctx.deps.db.select().from(runs).where(eq(runs.runnerId, runnerId))).toHaveLength(0);
    expect(
      await ctx.deps.db.select().from(planVersions).where(eq(planVersions.runnerId, runnerId)),
    ).toHaveLength(1);
  });

  it('the plan review suggests a check-in after 14 daily days and tapers after 21 without one', async () => {
    const outbox = () => ctx.deps.db.select().from(emailOutbox).where(eq(emailOutbox.runnerId, runnerId));
    clock.offsetMs = 10 * DAY;
    await run(reviewPlansJob, ctx.deps, {});
    expect(await outbox()).toHaveLength(0);
    clock.offsetMs = 15 * DAY;
    await run(reviewPlansJob, ctx.deps, {});
    await run(reviewPlansJob, ctx.deps, {}); // idempotent: one suggestion per plan version
    expect((await outbox()).map((r) => r.dedupeKey)).toEqual([`taper-suggest:${runnerId}:v1`]);
    clock.offsetMs = 22 * DAY;
    await run(reviewPlansJob, ctx.deps, {});
    const versions = await ctx.deps.db.select().from(planVersions).where(eq(planVersions.runnerId, runnerId));
    expect(versions.map((v) => v.phase)).toEqual(['daily', 'taper']);
    expect((await outbox()).map((r) => r.dedupeKey)).toContain(`taper:${runnerId}:v2`);
  });
});
