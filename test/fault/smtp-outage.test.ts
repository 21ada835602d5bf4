import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultHarness, sleep, startFaultHarness } from '../helpers/fault-harness.js';
import { checkLedger, formatLedger } from '../helpers/ledger.js';

/**
 * docs/email.md#outbox, docs/email.md#smtp-pool, recipe (8): the mail server is down for ~20 s while a load raises
 * plans and queues alerts: first it refuses connections (a TCP proxy resetting every connection),
 * then it answers 421 to every recipient. Transient failures are retried by the outbox with
 * backoff; once the server is back, every due email is sent exactly once (one Message-ID each,
 * at most one alert per runner) and nothing is left pending.
 */
describe('fault: SMTP down, then up', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 5, smtpProxy: true });
  }, 60_000);
  const diagnostics: Record<string, unknown> = {};
  afterAll(async () => {
    h?.dumpDiagnostics('smtp-outage', diagnostics);
    await h?.close();
  });

  it('When the mail server refuses connections and then answers 421 for 20 s, then every due email is sent once after', async () => {
    const started = Date.now();
    const proxy = h.smtpProxy!;
    proxy.setMode('reset');
    const outage = (async () => {
      await sleep(10_000);
      proxy.setMode('pass');
      h.sink.setMode('tempfail');
      await sleep(10_000);
      h.sink.setMode('accept');
    })();
    const load = await h.runLoad({ events: 150, ratePerSecond: 50 });
    await h.sim.simulator.producer.flush();
    const settled = await h.settleUnacked();
    await outage;
    const upAt = Date.now();
    const drain = await h.drain(50_000);
    const ledger = await checkLedger(h);
    const emailOutcomes = Object.fromEntries(
      (await h.app.deps.metrics.emails.get()).values.map((v) => [
        `${v.labels.template}:${v.labels.outcome}`,
        v.value,
      ]),
    );
    console.warn(
      formatLedger('smtp-outage', ledger, {
        ops: load.ops,
        settled,
        rcptAttempts: h.sink.attempts.length,
        emailOutcomes,
        sentAfterUpMs: Date.now() - upAt,
        drainMs: drain.ms,
        testMs: Date.now() - started,
      }),
    );
    Object.assign(diagnostics, { drain, emailOutcomes });

    expect(drain, JSON.stringify(drain.state)).toMatchObject({ drained: true });
    expect(ledger.problems).toEqual([]);
    expect(ledger.numbers.applied).toBe(ledger.numbers.acked);
    // The load reached the app. Unacked keys are allowed (Strava gave up: I5); on a starved machine
    // many answers come after the producer's timeout, yet their rows are there, so count rows.
    expect(ledger.numbers.acked).toBeGreaterThan(0);
    expect(ledger.numbers.inboxRows).toBeGreaterThan(ledger.numbers.keys * 0.75);
    // Every runner's plan was raised during the outage, and each alert arrived exactly once.
    expect(ledger.numbers.emailsSent).toBe(h.runners.length);
    expect(ledger.numbers.sinkMessages).toBe(h.runners.length);
    expect(ledger.numbers.duplicates).toBe(0);
    // Both failure modes were met and retried, none was mistaken for a permanent failure.
    expect(emailOutcomes['alert:retry'] ?? 0).toBeGreaterThanOrEqual(h.runners.length);
    expect(h.sink.attempts.length).toBeGreaterThan(h.sink.messages.length);
    expect(emailOutcomes['alert:failed'] ?? 0).toBe(0);
    expect(await h.failedJobs()).toBe(0);
  }, 120_000);
});
