import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultHarness, sleep, startFaultHarness } from '../helpers/fault-harness.js';
import { checkLedger, formatLedger } from '../helpers/ledger.js';

/**
 * reliability.md A.3, C.26, recipe (4)/(5): Postgres becomes unreachable mid-load (the TCP proxy
 * in front of it blackholes every connection for a few seconds, then passes again). An event that
 * cannot be recorded is answered 503, never acked, and Strava's retries (three attempts) land
 * after recovery; the process survives and the ledger holds.
 */
describe('fault: Postgres unreachable mid-load', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 4, pgProxy: true });
  }, 60_000);
  const diagnostics: Record<string, unknown> = {};
  afterAll(async () => {
    h?.dumpDiagnostics('postgres-outage', diagnostics);
    await h?.close();
  });

  it('When Postgres is blackholed for 4 s, then the webhook answers 503 meanwhile, the process survives and every acked event is applied once', async () => {
    const started = Date.now();
    const proxy = h.pgProxy!;
    const probes: { at: string; healthz: number; readyz: number }[] = [];
    const probe = async (at: string) => {
      const healthz = await fetch(`${h.app.url}/healthz`, { signal: AbortSignal.timeout(3_000) })
        .then((r) => r.status)
        .catch(() => 0);
      const readyz = await fetch(`${h.app.url}/readyz`, { signal: AbortSignal.timeout(3_000) })
        .then((r) => r.status)
        .catch(() => 0);
      probes.push({ at, healthz, readyz });
    };
    let outage: Promise<void> | undefined;
    const load = await h.runLoad({
      events: 200,
      ratePerSecond: 50,
      onTick: (i) => {
        if (i === 50) {
          proxy.setMode('blackhole');
          outage = Promise.all([
            sleep(4_000).then(() => proxy.setMode('pass')),
            sleep(2_000).then(() => probe('during')),
          ]).then(() => undefined);
        }
      },
    });
    await outage;
    await h.sim.simulator.producer.flush();
    const settled = await h.settleUnacked();
    const drain = await h.drain(45_000);
    await probe('after');
    const ledger = await checkLedger(h);
    // Clients the app's pool still has checked out once everything is quiet (sampled: sweeps run every second).
    const pool = (h.app.deps.db as unknown as { $client: { totalCount: number; idleCount: number } }).$client;
    let checkedOut = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 10; i++) {
      checkedOut = Math.min(checkedOut, pool.totalCount - pool.idleCount);
      await sleep(200);
    }
    const refusals = h.sim.simulator.state.events
      .flatMap((r) => r.attempts)
      .filter((a) => a.status === 503)
      .map((a) => a.durationMs)
      .sort((a, b) => a - b);
    const median503Ms = refusals[Math.floor(refusals.length / 2)] ?? 0;
    const unavailable =
      (await h.app.deps.metrics.webhookEvents.get()).values.find((v) => v.labels.outcome === 'unavailable')
        ?.value ?? 0;
    console.warn(
      formatLedger('postgres-outage', ledger, {
        ops: load.ops,
        unavailable,
        median503Ms,
        poolCheckedOut: checkedOut,
        max503Ms: refusals.at(-1),
        settled,
        probes,
        drainMs: drain.ms,
        testMs: Date.now() - started,
      }),
    );
    Object.assign(diagnostics, { drain, probes });

    expect(drain, JSON.stringify(drain.state)).toMatchObject({ drained: true });
    expect(ledger.problems).toEqual([]);
    expect(ledger.numbers.applied).toBe(ledger.numbers.acked);
    // During the outage events were refused with 503 (never a 500), and Strava's retries got them in.
    expect(ledger.numbers.statuses['503'] ?? 0).toBeGreaterThan(0);
    expect(unavailable).toBe(ledger.numbers.statuses['503']);
    // …within Strava's 2 s, so Strava counts them as failed attempts and retries (A.3's 1.5 s target is
    // measured by webhook-faults.test.ts; here the median is reported, on a shared machine ~1.0–1.5 s).
    expect(median503Ms).toBeLessThan(2_000);
    expect(Object.keys(ledger.numbers.statuses).filter((s) => !['200', '503', '0'].includes(s))).toEqual([]);
    // Unacked keys are allowed (Strava gave up: I5), but most must have got through.
    expect(ledger.numbers.acked).toBeGreaterThan(ledger.numbers.keys / 2);
    // No pool client is left checked out by a transaction the outage cut (pg-pool-release.test.ts).
    expect(checkedOut).toBe(0);
    // Alive throughout, not ready while the database is away, ready again after.
    expect(probes).toEqual([
      { at: 'during', healthz: 200, readyz: 503 },
      { at: 'after', healthz: 200, readyz: 200 },
    ]);
    expect(ledger.numbers.emailsSent).toBeGreaterThan(0);
    expect(await h.failedJobs()).toBe(0);
  }, 100_000);
});
