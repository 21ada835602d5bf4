import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRunner as connectThroughCallback } from '../../src/app/connect-runner.js';
import { sampleParkedRunners } from '../../src/app/strava-access/parked-runners.js';
import { sweepInbox } from '../../src/app/webhook/sweep-inbox.js';
import { runners } from '../../src/db/schema/index.js';
import { analyzeRunnerJob } from '../../src/jobs/analyze-runner/job.js';
import { scopedJobId } from '../../src/jobs/job-ids.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

const ALL_SCOPES = ['read', 'activity:read_all', 'profile:read_all'];

/**
 * Permanent refusals park the runner (docs/strava-quota.md): one refused
 * read, then no further Strava call for them, whatever the sweeper or a retry
 * does, until they reconnect.
 */
describe('Strava refusals park the runner', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /**
   * Strava calls since the test's last clearRequests (API and OAuth), in order. Tests run one
   * at a time and a revoked token no longer names its athlete, so every logged call counts.
   */
  function calls() {
    return ctx.sim.simulator.state.requests;
  }

  async function runAnalysisJob(runnerId: string, attemptsMade = 0) {
    return analyzeRunnerJob.process(
      { runnerId },
      { deps: ctx.deps, jobId: `test-${runnerId}`, attemptsMade, rateLimitQueue: async () => {} },
    );
  }

  async function runnerRow(runnerId: string) {
    const [row] = await ctx.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    return row;
  }

  /** The job is tried again and the sweeper runs with everything overdue: nothing reaches Strava. */
  async function expectNoFurtherCalls(runnerId: string) {
    const before = calls().length;
    await runAnalysisJob(runnerId, 1);
    await sweepInbox(ctx.deps, { staleAfterMs: -60_000, limit: 100 });
    await runAnalysisJob(runnerId, 2);
    expect(calls().length).toBe(before);
  }

  async function expectParked(runnerId: string, refusal: string) {
    const row = await runnerRow(runnerId);
    expect(row?.stravaRefusal).toBe(refusal);
    expect(row?.disconnectedAt).not.toBeNull();
    expect(row?.analysisDueAt).toBeNull();
    expect(row?.backfillStatus).toBe('failed');
  }

  it('scope withheld: the list is refused once, the runner is parked, and nothing loops', async () => {
    const { runnerId } = await connectRunner(ctx, { scopes: ['read', 'profile:read_all'] });
    await ctx.deps.db.update(runners).set({ analysisDueAt: new Date() }).where(eq(runners.id, runnerId));
    await ctx.simControl.clearRequests();
    const result = await runAnalysisJob(runnerId);
    expect(result).toMatchObject({ outcome: 'skipped', detail: 'runner parked: activity_scope_missing' });
    expect(calls().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /api/v3/athlete/activities 401',
    ]);
    await expectParked(runnerId, 'activity_scope_missing');
    await expectNoFurtherCalls(runnerId);
    const byPurpose = await ctx.deps.metrics.stravaCallsByPurpose.get();
    expect(byPurpose.values).toContainEqual(
      expect.objectContaining({ labels: { purpose: 'backfill', outcome: '401' }, value: 1 }),
    );
    await sampleParkedRunners(ctx.deps);
    const parked = await ctx.deps.metrics.parkedRunners.get();
    expect(parked.values).toContainEqual(
      expect.objectContaining({ labels: { reason: 'activity_scope_missing' }, value: 1 }),
    );
  });

  it('revoked on Strava: one refused call and one refused refresh, then nothing', async () => {
    const { runnerId, athleteId } = await connectRunner(ctx);
    await ctx.simControl.revokeAccess(athleteId);
    await ctx.simControl.clearRequests();
    await runAnalysisJob(runnerId);
    const apiCalls = calls().filter((r) => r.path.startsWith('/api/'));
    expect(apiCalls).toHaveLength(1);
    await expectParked(runnerId, 'grant_invalid');
    await expectNoFurtherCalls(runnerId);
  });

  it('invalid grant (our refresh token was superseded): parked without another call', async () => {
    const { runnerId, athleteId } = await connectRunner(ctx);
    // Another grant for the same athlete rotates the refresh token; expiring the tokens forces a refresh.
    await ctx.simControl.issueToken({ athleteId });
    await ctx.simControl.expireTokens(athleteId);
    await ctx.simControl.clearRequests();
    await runAnalysisJob(runnerId);
    expect(calls().filter((r) => r.path.startsWith('/api/'))).toHaveLength(1);
    await expectParked(runnerId, 'grant_invalid');
    await expectNoFurtherCalls(runnerId);
  });

  it('athlete gone (404 on their own list): parked after one call', async () => {
    const { runnerId } = await connectRunner(ctx);
    const fault = await ctx.simControl.addFault({ path: '/api/v3/athlete/activities', notFound: true });
    await ctx.simControl.clearRequests();
    await runAnalysisJob(runnerId);
    expect(calls().filter((r) => r.path.startsWith('/api/'))).toHaveLength(1);
    await expectParked(runnerId, 'athlete_not_found');
    await expectNoFurtherCalls(runnerId);
    await ctx.simControl.removeFault(fault.id);
  });

  it('connecting without activity access parks at once, queues nothing; reconnecting un-parks', async () => {
    const consent = async (scopes: string[], athleteId?: string) => {
      const c = await ctx.simControl.authorize({
        clientId: ctx.deps.config.strava.clientId,
        redirectUri: `${ctx.deps.config.publicUrl}/auth/strava/callback`,
        scopes: ALL_SCOPES,
        grantedScopes: scopes,
        athleteId,
        newAthleteFirstname: 'Nell',
      });
      if (!c.code) throw new Error('no code');
      return { authorization: await ctx.deps.strava.exchangeCode(c.code), scopes };
    };
    const first = await consent(['read', 'profile:read_all']);
    const athleteId = first.authorization.athlete.id;
    await ctx.simControl.clearRequests();
    const connected = await connectThroughCallback(ctx.deps, first.authorization, first.scopes);
    await expectParked(connected.runnerId, 'activity_scope_missing');
    expect(
      await ctx.deps.queues.analysis.getDeduplicationJobId(
        scopedJobId(ctx.deps.database, `analyze-${connected.runnerId}`),
      ),
    ).toBeNull();
    await expectNoFurtherCalls(connected.runnerId);

    const again = await consent(ALL_SCOPES, athleteId);
    await connectThroughCallback(ctx.deps, again.authorization, again.scopes);
    const row = await runnerRow(connected.runnerId);
    expect(row).toMatchObject({ stravaRefusal: null, disconnectedAt: null, backfillStatus: 'pending' });
    expect(row?.analysisDueAt).not.toBeNull();
    const result = await runAnalysisJob(connected.runnerId);
    expect(result.outcome).toBe('done');
  });
});
