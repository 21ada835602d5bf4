import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultHarness, startFaultHarness, waitFor } from '../helpers/fault-harness.js';
import { checkLedger, formatLedger } from '../helpers/ledger.js';

const STALL_KNOBS = { FAULT_LOCK_DURATION_MS: '5000', FAULT_STALLED_INTERVAL_MS: '5000' };

/**
 * docs/reliability-rules.md#stalled-jobs, recipe (3): the web role runs here, the workers in their own processes
 * (lockDuration and stalledInterval 5 s). Strava is slowed (1.5 s per activity listing) so an
 * analysis is surely in flight when its worker is SIGKILLed; a new worker picks the stalled job
 * up once its lock expires, runs it again, and every effect still happens once.
 */
describe('fault: worker SIGKILLed mid-job', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 4, role: 'web' });
  }, 60_000);
  const diagnostics: Record<string, unknown> = {};
  afterAll(async () => {
    h?.dumpDiagnostics('worker-crash', diagnostics);
    await h?.close();
  });

  it('When the worker dies mid-analysis, then a new worker re-runs the stalled job and effects are applied once', async () => {
    const started = Date.now();
    const first = await h.spawnWorker(STALL_KNOBS);
    await h.simControl.addFault({ path: '/api/v3/athlete/activities', latencyMs: 1_500 });
    const analysis = h.app.deps.queues.analysis;
    let killed: string[] = [];
    let killing: Promise<void> | undefined;
    /** SIGKILLs the worker as soon as an analysis is in flight (its Strava read takes 1.5 s). */
    const killWhenActive = async () => {
      if (killing) return true;
      const active = await analysis.getActive();
      if (active.length === 0) return false;
      killed = active.map((j) => j.id as string);
      killing = first.kill('SIGKILL');
      return true;
    };
    const load = await h.runLoad({
      events: 200,
      ratePerSecond: 40,
      onTick: async () => {
        await killWhenActive();
      },
    });
    await waitFor('an analysis to be in flight', killWhenActive, 20_000, 20);
    await killing;
    expect(first.child.signalCode).toBe('SIGKILL');
    const second = await h.spawnWorker(STALL_KNOBS);
    await h.sim.simulator.producer.flush();
    await second.waitForLog(/job stalled/, 20_000);
    await h.simControl.clearFaults();
    const settled = await h.settleUnacked();
    const drain = await h.drain(40_000);
    const ledger = await checkLedger(h, { allowedDuplicates: 1 });
    const rerun = await Promise.all(killed.map((id) => analysis.getJob(id)));
    console.warn(
      formatLedger('worker-crash', ledger, {
        ops: load.ops,
        settled,
        killedJobs: rerun.map((j) => ({
          id: j?.id,
          stalled: j?.stalledCounter,
          started: j?.attemptsStarted,
          finished: j?.finishedOn !== undefined,
          result: j?.returnvalue,
        })),
        drainMs: drain.ms,
        testMs: Date.now() - started,
      }),
    );
    Object.assign(diagnostics, { drain, second: second.output().slice(-20_000) });

    expect(drain, JSON.stringify(drain.state)).toMatchObject({ drained: true });
    expect(ledger.problems).toEqual([]);
    expect(ledger.numbers.applied).toBe(ledger.numbers.acked);
    // The load reached the app. Unacked keys are allowed (Strava gave up: I5); on a starved machine
    // many answers come after the producer's timeout, yet their rows are there, so count rows.
    expect(ledger.numbers.acked).toBeGreaterThan(0);
    expect(ledger.numbers.inboxRows).toBeGreaterThan(ledger.numbers.keys * 0.75);
    // The jobs the dead worker held were detected as stalled and ran to completion on the new one.
    expect(killed.length).toBeGreaterThan(0);
    for (const job of rerun) {
      expect(job?.stalledCounter).toBeGreaterThanOrEqual(1);
      expect(job?.finishedOn).toBeDefined();
      expect(job?.failedReason ?? null).toBeNull();
    }
    expect(ledger.numbers.emailsSent).toBeGreaterThan(0);
    expect(await h.failedJobs()).toBe(0);
  }, 110_000);
});
