import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffsetClock, type FaultHarness, sleep, startFaultHarness } from '../helpers/fault-harness.js';
import { checkLedger, formatLedger } from '../helpers/ledger.js';

const QUARTER_MS = 15 * 60_000;
/** Where the app's clock is put when the 429s start: this far before a quarter-hour reset. */
const BEFORE_RESET_MS = 12_000;

/**
 * docs/reliability-rules.md#retry-policy, docs/reliability-rules.md#strava-rate-limits, recipe (7): a slow, flaky Strava (3 s latency, half the calls 503)
 * for 10 s, then 429s for 10 s. Outages are retried with backoff; a 429 blocks every call until
 * the window the governor computes (the next quarter hour of the app's clock, which the test puts
 * 12 s ahead so the reset comes quickly) and defers the queue without spending attempts. No job
 * fails, only a handful of calls reach Strava inside the 429 window, and the ledger holds.
 */
describe('fault: Strava slow, failing and rate limiting', () => {
  const clock = createOffsetClock();
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 4, clock });
  }, 60_000);
  const diagnostics: Record<string, unknown> = {};
  afterAll(async () => {
    h?.dumpDiagnostics('strava-faults', diagnostics);
    await h?.close();
  });

  it('When Strava answers 5xx, slowly, then 429, then no job fails, calls stop during the 429s and the ledger holds', async () => {
    const started = Date.now();
    const sim = h.simControl;

    // Phase 1: 3 s latency and 503 on half the calls, for 10 s. Each runner's first event is
    // analysed at once and the rest coalesce, so phase 1 makes only a few calls: the first two
    // answer 503 for certain, so the outage is always met, whatever the dice say about the rest.
    await sim.addFault({ path: '/api/v3/**', latencyMs: 3_000, durationSeconds: 10 });
    await sim.addFault({ path: '/api/v3/**', errorRate: 1, errorStatus: 503, count: 2, durationSeconds: 10 });
    await sim.addFault({ path: '/api/v3/**', errorRate: 0.5, errorStatus: 503, durationSeconds: 10 });
    const phase1 = await h.runLoad({ events: 100, ratePerSecond: 50 });
    await sleep(Math.max(0, started + 10_500 - Date.now()));

    // Phase 2: 429 for 10 s, with the app's clock 12 s before a quarter-hour reset.
    const appNow = clock.now().getTime();
    clock.jumpTo(new Date(Math.ceil((appNow + BEFORE_RESET_MS) / QUARTER_MS) * QUARTER_MS - BEFORE_RESET_MS));
    const windowStart = Date.now();
    const limited = await sim.addFault({ path: '/api/v3/**', rateLimited: true, durationSeconds: 10 });
    const windowEnd = Date.parse(limited.expiresAt as string);
    const phase2 = await h.runLoad({ events: 100, ratePerSecond: 50 });

    await h.sim.simulator.producer.flush();
    const settled = await h.settleUnacked();
    const drain = await h.drain(45_000);
    const ledger = await checkLedger(h);
    const calls = h.sim.simulator.state.requests.filter((r) => r.path.startsWith('/api/v3/'));
    const inWindow = calls.filter((r) => {
      const at = Date.parse(r.at);
      return at >= windowStart && at < windowEnd;
    });
    const byStatus = (list: typeof calls) =>
      list.reduce<Record<string, number>>((acc, r) => {
        acc[r.status] = (acc[r.status] ?? 0) + 1;
        return acc;
      }, {});
    const failed = await h.failedJobs();
    console.warn(
      formatLedger('strava-faults', ledger, {
        ops: { phase1: phase1.ops, phase2: phase2.ops },
        settled,
        stravaCalls: byStatus(calls),
        callsIn429Window: byStatus(inWindow),
        failedJobs: failed,
        drainMs: drain.ms,
        testMs: Date.now() - started,
      }),
    );
    Object.assign(diagnostics, { drain, calls });

    expect(drain, JSON.stringify(drain.state)).toMatchObject({ drained: true });
    expect(ledger.problems).toEqual([]);
    expect(ledger.numbers.applied).toBe(ledger.numbers.acked);
    // The load reached the app. Unacked keys are allowed (Strava gave up: I5); on a starved machine
    // many answers come after the producer's timeout, yet their rows are there, so count rows.
    expect(ledger.numbers.acked).toBeGreaterThan(0);
    expect(ledger.numbers.inboxRows).toBeGreaterThan(ledger.numbers.keys * 0.75);
    // The faults were met: 503s in phase 1, then 429s, but only a handful of calls in that window.
    expect(byStatus(calls)['503'] ?? 0).toBeGreaterThan(0);
    expect(byStatus(inWindow)['429'] ?? 0).toBeGreaterThan(0);
    expect(inWindow.length).toBeLessThanOrEqual(6);
    // Analyses read Strava again after the reset, and nothing failed for good.
    expect(calls.filter((r) => Date.parse(r.at) >= windowEnd && r.status === 200).length).toBeGreaterThan(0);
    expect(failed).toBe(0);
    expect(ledger.numbers.emailsSent).toBeGreaterThan(0);
  }, 110_000);
});
