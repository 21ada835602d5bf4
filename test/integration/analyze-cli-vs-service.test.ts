import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRunner } from '../../src/app/analysis/analyze-runner.js';
import { exportRunner } from '../../src/app/export-runner.js';
import { detections, runners } from '../../src/db/schema/index.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

const DAY_MS = 86_400_000;

type Found = { key: string; kind: string; severity: string; activityId: string };

function runAnalyzeCli(args: string[]): Promise<Found[]> {
  const { WINDOW_DAYS: _inherited, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      'npx',
      ['tsx', 'src/cli/analyze.ts', ...args, '--json'],
      { env, timeout: 60_000 },
      (err, out, errOut) => {
        if (err) return reject(new Error(`analyze failed: ${errOut}`));
        resolve(JSON.parse(out) as Found[]);
      },
    );
  });
}

const comparable = (list: Found[]) =>
  list
    .map(({ key, kind, severity, activityId }) => ({ key, kind, severity, activityId }))
    .sort((a, b) => a.key.localeCompare(b.key));

/**
 * docs/analyze.md: `npm run analyze` agrees with the service. The service
 * analyses a runner against the simulator (real HTTP, real Postgres); the CLI
 * then reads the same history twice, from RampGuard's own export and from the
 * Strava activities as the API returns them, and must find the same detections.
 */
describe('npm run analyze and the service, on the same history', () => {
  let ctx: TestContext;
  let runnerId: string;
  let athleteId: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-analyze-vs-'));

  beforeAll(async () => {
    ctx = await createTestContext();
    ({ runnerId, athleteId } = await connectRunner(ctx, { firstname: 'Same' }));
    const now = Date.now();
    const daily = await ctx.simControl.createShoe(athleteId, { name: 'Daily trainer', distance: 550_000 });
    const fresh = await ctx.simControl.createShoe(athleteId, { name: 'New shoes' });
    const run = (daysAgo: number, km: number, extra: Record<string, unknown> = {}) => ({
      athleteId,
      distance: km * 1000,
      moving_time: Math.round(km * 330),
      start_date: new Date(now - daysAgo * DAY_MS).toISOString(),
      timezone: '(GMT+01:00) Europe/Berlin',
      gear_id: daily.id,
      average_heartrate: 145,
      max_heartrate: 165,
      ...extra,
    });
    // Seven steady weeks (the sandbox's eight weeks, shorter than the 60-day gear lookback), then a ramp week with two workouts and a long run in new shoes.
    const steady = Array.from({ length: 7 }, (_, w) => 8 * 7 - w * 7).flatMap((weekStart) => [
      run(weekStart - 1, 6),
      run(weekStart - 3, 8),
      run(weekStart - 5, 6),
      run(weekStart - 6, 12, { workout_type: 2, max_heartrate: 185 }),
    ]);
    const ramp = [
      run(6, 10, { workout_type: 3, average_heartrate: 166, moving_time: 2800 }),
      run(4, 12),
      run(2, 10, { workout_type: 3, average_heartrate: 168, moving_time: 2850 }),
      run(0.1, 20, { gear_id: fresh.id }),
    ];
    await ctx.simControl.createActivities({ activities: [...steady, ...ramp] });
    const result = await analyzeRunner(ctx.deps, runnerId);
    expect(result.outcome).toBe('done');
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
  });

  async function serviceDetections(): Promise<Found[]> {
    return ctx.deps.db
      .select({
        key: detections.key,
        kind: detections.kind,
        severity: detections.severity,
        activityId: detections.activityId,
      })
      .from(detections)
      .where(eq(detections.runnerId, runnerId));
  }

  it("finds what the service found, from RampGuard's own export (its last analysis is the as-of)", async () => {
    const service = await serviceDetections();
    expect(new Set(service.map((d) => d.kind)).size).toBeGreaterThanOrEqual(4);
    const exported = await exportRunner(ctx.deps.db, runnerId, new Date());
    const file = path.join(dir, 'rampguard-export.json');
    writeFileSync(file, JSON.stringify(exported, null, 2));
    expect(comparable(await runAnalyzeCli([file]))).toEqual(comparable(service));
  }, 60_000);

  it('finds what the service found, from the Strava activities with their shoes', async () => {
    const [runner] = await ctx.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    if (!runner?.lastAnalyzedAt) throw new Error('the service has not analysed the runner');
    const asOf = runner.lastAnalyzedAt.toISOString();
    const athlete = await ctx.simControl.getAthlete(athleteId);
    const shoes = new Map(athlete.shoes.map((s) => [s.id, s]));
    // DetailedActivity shape: each activity names its shoe with Strava's all-time distance.
    const activities = (await ctx.simControl.listActivities(athleteId)).map((a) => {
      const shoe = a.gear_id ? shoes.get(a.gear_id) : undefined;
      return shoe ? { ...a, gear: { id: shoe.id, name: shoe.name, distance: shoe.distance } } : a;
    });
    const file = path.join(dir, 'strava-activities.json');
    writeFileSync(file, JSON.stringify(activities));
    expect(comparable(await runAnalyzeCli([file, '--as-of', asOf]))).toEqual(
      comparable(await serviceDetections()),
    );
  }, 60_000);
});
