import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQuotaReport } from '../../src/app/strava-access/quota-report.js';
import { runners } from '../../src/db/schema/index.js';
import { createOpsRouter } from '../../src/http/ops/routes.js';
import { analyzeRunnerJob } from '../../src/jobs/analyze-runner/job.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

const run = promisify(execFile);

/**
 * Accounting an operator can read (docs/strava-quota.md#accounting): the same numbers from
 * every process, in /metrics and in `npm run strava -- quota`.
 */
describe('Strava quota accounting', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const runJob = (runnerId: string) =>
    analyzeRunnerJob.process(
      { runnerId },
      { deps: ctx.deps, jobId: `q-${runnerId}`, attemptsMade: 0, rateLimitQueue: async () => {} },
    );

  it('calls by purpose and outcome, the governor per window, parked runners and runners per day', async () => {
    const kept = await connectRunner(ctx, { firstname: 'Kept' });
    const gone = await connectRunner(ctx, { firstname: 'Gone' });
    await ctx.simControl.clearRequests();
    await runJob(kept.runnerId); // backfill: 1 list call (short page with activity:read_all)
    await runJob(kept.runnerId); // a re-analysis: 1 list call
    await ctx.simControl.revokeAccess(gone.athleteId);
    await runJob(gone.runnerId); // refused: 1 list call (401), then the refresh is refused: parked
    const apiCalls = (await ctx.simControl.listRequests('/api/v3/')).length;
    expect(apiCalls).toBe(3);

    const report = await readQuotaReport(ctx.deps);
    expect(report.calls.entries).toEqual(
      expect.arrayContaining([
        { purpose: 'backfill', outcome: 'ok', calls: 1 },
        { purpose: 'backfill', outcome: '401', calls: 1 },
        { purpose: 'event_analysis', outcome: 'ok', calls: 1 },
      ]),
    );
    const read15 = report.governor.find((w) => w.family === 'read' && w.window === '15min');
    expect(read15).toMatchObject({ usage: apiCalls, limit: 100 });
    expect(report.governor.find((w) => w.family === 'read' && w.window === 'daily')?.limit).toBe(1_000);
    expect(report.parked).toEqual([{ reason: 'grant_invalid', runners: 1 }]);
    expect(report.reading).toBe(1);
    // Recurring work only (the backfill is a one-off): 1 call per reading runner so far.
    expect(report.runnersPerDay).toMatchObject({
      dailyReadLimit: 1_000,
      limitKnown: true,
      usableDaily: 900,
      callsPerRunnerDay: 1,
      runners: 900,
    });

    // /metrics shows the governor's view of every window.
    const app = express().use(createOpsRouter(ctx.deps));
    const metrics = (await request(app).get('/metrics').expect(200)).text;
    expect(metrics).toContain(`rampguard_strava_rate_usage{family="read",window="15min"} ${apiCalls}`);
    expect(metrics).toContain('rampguard_strava_rate_limit{family="read",window="daily"} 1000');
    expect(metrics).toContain('rampguard_strava_calls_total{purpose="event_analysis",outcome="ok"} 1');
    expect(metrics).toContain('rampguard_runners_parked{reason="grant_invalid"} 1');

    // The CLI prints the same, from another process.
    const env = { ...process.env, ...ctx.env, LOG_LEVEL: 'warn' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/strava.ts', 'quota'], {
      env,
    });
    expect(stdout).toMatch(new RegExp(`read\\s+15min\\s+${apiCalls} used, limit 100`));
    expect(stdout).toMatch(/event_analysis\s+1\s+\(ok 1\)/);
    expect(stdout).toMatch(/backfill\s+2\s+\(401 1, ok 1\)/);
    expect(stdout).toMatch(/grant_invalid\s+1/);
    expect(stdout).toContain('Runners served per day at the current limits: 900 (at 1.00 recurring calls');
    const [row] = await ctx.deps.db.select().from(runners).where(eq(runners.id, gone.runnerId));
    expect(row?.stravaRefusal).toBe('grant_invalid');
  }, 60_000);
});
