import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRunner as connectThroughCallback } from '../../src/app/connect-runner.js';
import { TRANSIENT_BACKOFF, transientRetryDelayMs } from '../../src/app/strava-access/transient-failures.js';
import { sweepInbox } from '../../src/app/webhook/sweep-inbox.js';
import { emailOutbox, runners } from '../../src/db/schema/index.js';
import { sendOutboxEmail } from '../../src/email/outbox/send-outbox-email.js';
import { analyzeRunnerJob } from '../../src/jobs/analyze-runner/job.js';
import { reconcileRunnersJob } from '../../src/jobs/reconcile-runners/job.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

const ALL_SCOPES = ['read', 'activity:read_all', 'profile:read_all'];

/**
 * Transient Strava failures back off on the runner row (docs/strava-quota.md#transient-failures):
 * whatever re-enqueues the runner (the sweeper, reconciliation, a new event), no call goes out
 * before the backoff ends; the delays double up to a cap; at the limit the runner is parked and
 * told once by email.
 */
describe('transient Strava failures', () => {
  let ctx: TestContext;
  let sink: SmtpSink;
  let nowMs = Date.now();
  const clock = { now: () => new Date(nowMs) };

  beforeAll(async () => {
    sink = await startSmtpSink();
    ctx = await createTestContext({
      clock,
      strava: { retryBaseMs: 1 },
      env: { SMTP_URL: sink.url },
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await sink?.close();
  });

  const apiCalls = async () => (await ctx.simControl.listRequests('/api/v3/')).length;
  const runnerRow = async (runnerId: string) =>
    (await ctx.deps.db.select().from(runners).where(eq(runners.id, runnerId)))[0]!;
  const runJob = (runnerId: string) =>
    analyzeRunnerJob.process(
      { runnerId },
      { deps: ctx.deps, jobId: `t-${runnerId}`, attemptsMade: 0, rateLimitQueue: async () => {} },
    );
  /** The runners the sweeper would re-enqueue now (everything due counts as stale). */
  const swept = async () => (await sweepInbox(ctx.deps, { staleAfterMs: -1, limit: 100 })).analyses;

  async function verifiedRunner() {
    const { runnerId } = await connectRunner(ctx);
    await ctx.deps.db
      .update(runners)
      .set({
        email: `r-${runnerId.slice(0, 8)}@example.com`,
        emailVerifiedAt: clock.now(),
        analysisDueAt: clock.now(),
      })
      .where(eq(runners.id, runnerId));
    return runnerId;
  }

  it('backs off exponentially to a cap across sweeps, then parks and emails once; nothing calls meanwhile', async () => {
    const runnerId = await verifiedRunner();
    const fault = await ctx.simControl.addFault({
      path: '/api/v3/athlete/activities',
      errorRate: 1,
      errorStatus: 503,
    });
    const delays: number[] = [];
    for (let failure = 1; failure <= TRANSIENT_BACKOFF.limit; failure++) {
      expect(await swept()).toBe(1);
      const before = await apiCalls();
      const result = await runJob(runnerId);
      // One analysis: the list call and its two quick in-call retries.
      expect((await apiCalls()) - before).toBe(3);
      const row = await runnerRow(runnerId);
      expect(row.stravaFailures).toBe(failure);
      if (failure === TRANSIENT_BACKOFF.limit) {
        expect(result.detail).toMatch(/^runner parked: strava_failing/);
        break;
      }
      expect(result.detail).toMatch(new RegExp(`^failure ${failure}, next try after`));
      const delay = row.stravaRetryAt!.getTime() - nowMs;
      delays.push(delay);
      const nominal = transientRetryDelayMs(failure, () => 0.5);
      expect(delay).toBeGreaterThanOrEqual(nominal * 0.8 - 1);
      expect(delay).toBeLessThanOrEqual(nominal * 1.2 + 1);

      // Until the backoff ends: the sweeper skips the runner, reconciliation too, and a job
      // started by a new event makes no call.
      nowMs += delay - 1_000;
      const quiet = await apiCalls();
      expect(await swept()).toBe(0);
      await reconcileRunnersJob.process(
        {},
        { deps: ctx.deps, jobId: 'r', attemptsMade: 0, rateLimitQueue: async () => {} },
      );
      expect((await runJob(runnerId)).detail).toMatch(/^backing off until/);
      expect(await apiCalls()).toBe(quiet);
      nowMs += 1_001;
    }
    // Exponential, then flat at the cap.
    expect(delays.length).toBe(TRANSIENT_BACKOFF.limit - 1);
    for (let i = 1; i < 6; i++) expect(delays[i]! / delays[i - 1]!).toBeGreaterThan(1.3);
    expect(Math.max(...delays)).toBeLessThanOrEqual(TRANSIENT_BACKOFF.capMs * 1.2 + 1);

    const parked = await runnerRow(runnerId);
    expect(parked).toMatchObject({ stravaRefusal: 'strava_failing', analysisDueAt: null });
    expect(parked.disconnectedAt).not.toBeNull();
    await ctx.simControl.removeFault(fault.id);

    // Parked: no sweep, no reconciliation, no job reaches Strava any more.
    nowMs += 24 * 3_600_000;
    const quiet = await apiCalls();
    expect(await swept()).toBe(0);
    await reconcileRunnersJob.process(
      {},
      { deps: ctx.deps, jobId: 'r', attemptsMade: 0, rateLimitQueue: async () => {} },
    );
    await runJob(runnerId);
    expect(await apiCalls()).toBe(quiet);

    // One email, delivered, saying what to do.
    const rows = await ctx.deps.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.runnerId, runnerId), eq(emailOutbox.template, 'strava_access')));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toEqual({ refusal: 'strava_failing' });
    sink.clear();
    await sendOutboxEmail(ctx.deps, rows[0]!.id);
    expect(sink.messages).toHaveLength(1);
    const mail = sink.messages[0]!.parsed;
    expect(mail.subject).toMatch(/cannot read your runs/);
    expect(mail.text).toContain('tick "View data about your activities"');
    expect(mail.text).toContain(`${ctx.deps.config.publicUrl}/auth/strava`);
  });

  it('a read that goes through resets the count', async () => {
    const runnerId = await verifiedRunner();
    const fault = await ctx.simControl.addFault({
      path: '/api/v3/athlete/activities',
      errorRate: 1,
      errorStatus: 500,
    });
    await runJob(runnerId);
    await runJob(runnerId); // backing off: not a second failure
    expect((await runnerRow(runnerId)).stravaFailures).toBe(1);
    await ctx.simControl.removeFault(fault.id);
    nowMs += TRANSIENT_BACKOFF.capMs;
    expect((await runJob(runnerId)).outcome).toBe('done');
    expect(await runnerRow(runnerId)).toMatchObject({
      stravaFailures: 0,
      stravaRetryAt: null,
      analysisDueAt: null,
    });
  });

  it('the email is not sent once the runner has reconnected, and a later parking sends a new one', async () => {
    const runnerId = await verifiedRunner();
    const { athleteId } = await runnerRow(runnerId);
    await ctx.simControl.revokeAccess(athleteId);
    expect((await runJob(runnerId)).detail).toBe('runner parked: grant_invalid');
    const [queued] = await ctx.deps.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.runnerId, runnerId), eq(emailOutbox.template, 'strava_access')));
    // The runner reconnects before the sender gets to it.
    const consent = await ctx.simControl.authorize({
      clientId: ctx.deps.config.strava.clientId,
      redirectUri: `${ctx.deps.config.publicUrl}/auth/strava/callback`,
      scopes: ALL_SCOPES,
      athleteId,
    });
    await connectThroughCallback(ctx.deps, await ctx.deps.strava.exchangeCode(consent.code!), ALL_SCOPES);
    sink.clear();
    await sendOutboxEmail(ctx.deps, queued!.id);
    expect(sink.messages).toHaveLength(0);
    const [cancelled] = await ctx.deps.db.select().from(emailOutbox).where(eq(emailOutbox.id, queued!.id));
    expect(cancelled).toMatchObject({ status: 'cancelled', lastError: 'access restored' });

    await ctx.simControl.revokeAccess(athleteId);
    nowMs += 1_000;
    await runJob(runnerId);
    const all = await ctx.deps.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.runnerId, runnerId), eq(emailOutbox.template, 'strava_access')));
    expect(all).toHaveLength(2);
  });
});
