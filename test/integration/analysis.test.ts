import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRunner } from '../../src/app/analysis/analyze-runner.js';
import { detections, emailOutbox, planVersions, runners, runs } from '../../src/db/schema/index.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

const DAY = 86_400_000;
const now = Date.now();
const iso = (msAgo: number) => new Date(now - msAgo).toISOString();

/**
 * The per-runner analysis against the simulator over HTTP and a real
 * Postgres: Strava's current truth replaces the cache, detections are stored
 * once, the plan moves and its email lands in the outbox in the same commit.
 */
describe('analyzeRunner', () => {
  let ctx: TestContext;
  let runnerId: string;
  let athleteId: string;
  let shoeA: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    ({ runnerId, athleteId } = await connectRunner(ctx, { firstname: 'Grace' }));
    // Connected three days ago: the history before that never alerts.
    await ctx.deps.db
      .update(runners)
      .set({ connectedAt: new Date(now - 3 * DAY) })
      .where(eq(runners.id, runnerId));
    shoeA = (await ctx.simControl.createShoe(athleteId, { name: 'Daily trainer', distance: 300_000 })).id;
    // Eight weeks of steady 8 km runs every other day in shoe A.
    const history = Array.from({ length: 28 }, (_, i) => ({
      athleteId,
      name: `Easy run ${i}`,
      sport_type: 'Run' as const,
      distance: 8_000,
      moving_time: 2_700,
      start_date: iso((4 + i * 2) * DAY),
      timezone: '(GMT+01:00) Europe/Paris',
      gear_id: shoeA,
    }));
    await ctx.simControl.createActivities({ activities: history });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  async function countRows() {
    const db = ctx.deps.db;
    return {
      runs: (await db.select().from(runs).where(eq(runs.runnerId, runnerId))).length,
      detections: (await db.select().from(detections).where(eq(detections.runnerId, runnerId))).length,
      plans: (await db.select().from(planVersions).where(eq(planVersions.runnerId, runnerId))).length,
      outbox: (await db.select().from(emailOutbox).where(eq(emailOutbox.runnerId, runnerId))).length,
    };
  }

  it('reads the window from Strava, starts the daily plan, and stores steady history without alerts', async () => {
    const result = await analyzeRunner(ctx.deps, runnerId);
    expect(result).toMatchObject({ outcome: 'done', runs: 28, planChanged: true });
    const counts = await countRows();
    expect(counts).toMatchObject({ runs: 28, plans: 1, outbox: 0 });
    const [runner] = await ctx.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    expect(runner?.timezone).toBe('Europe/Paris');
    expect(runner?.backfillStatus).toBe('done');
  });

  it('detects a long run in new shoes, raises the plan and queues one alert in the same commit', async () => {
    const shoeB = (await ctx.simControl.createShoe(athleteId, { name: 'Brand new racer', distance: 0 })).id;
    await ctx.simControl.createActivity({
      athleteId,
      name: 'Long one',
      sport_type: 'Run',
      distance: 16_000,
      moving_time: 5_400,
      start_date: iso(2 * 3_600_000),
      timezone: '(GMT+01:00) Europe/Paris',
      gear_id: shoeB,
      notify: false,
    });
    const result = await analyzeRunner(ctx.deps, runnerId);
    expect(result).toMatchObject({ outcome: 'done', runs: 29, planChanged: true });
    if (result.outcome !== 'done') throw new Error('unreachable');
    expect(result.outboxIds).toHaveLength(1);
    const kinds = (await ctx.deps.db.select().from(detections).where(eq(detections.runnerId, runnerId))).map(
      (d) => d.kind,
    );
    expect(kinds).toEqual(expect.arrayContaining(['session_spike', 'gear_change']));
    const [alert] = await ctx.deps.db.select().from(emailOutbox).where(eq(emailOutbox.runnerId, runnerId));
    expect(alert?.template).toBe('alert');
    expect(JSON.stringify(alert?.payload)).not.toContain('@'); // no address in the payload
  });

  it('is idempotent: analysing the same Strava data again adds nothing', async () => {
    const before = await countRows();
    const result = await analyzeRunner(ctx.deps, runnerId);
    expect(result).toMatchObject({ outcome: 'done', detections: 0, planChanged: false, outboxIds: [] });
    expect(await countRows()).toEqual(before);
  });

  it('drops a run deleted on Strava from the cache and keeps RampGuard’s own records', async () => {
    const [latest] = (await ctx.simControl.listActivities(athleteId)).filter((a) => a.name === 'Long one');
    await ctx.simControl.deleteActivity(latest!.id, { notify: false });
    const before = await countRows();
    await analyzeRunner(ctx.deps, runnerId);
    const after = await countRows();
    expect(after.runs).toBe(before.runs - 1);
    expect(after.detections).toBe(before.detections);
  });

  it('writes nothing when a newer analysis has already committed', async () => {
    const future = new Date(Date.now() + 60_000);
    await ctx.deps.db.update(runners).set({ lastAnalyzedAt: future }).where(eq(runners.id, runnerId));
    expect(await analyzeRunner(ctx.deps, runnerId)).toEqual({
      outcome: 'skipped',
      reason: 'a newer analysis already committed',
    });
    await ctx.deps.db.update(runners).set({ lastAnalyzedAt: null }).where(eq(runners.id, runnerId));
  });
});
