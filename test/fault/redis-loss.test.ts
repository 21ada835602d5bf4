import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultHarness, sleep, startFaultHarness } from '../helpers/fault-harness.js';
import { checkLedger, formatLedger } from '../helpers/ledger.js';

/**
 * docs/webhooks.md#sweeper, docs/reliability-rules.md#reconnecting-after-a-redis-restart, recipe (2): Redis is only a work list. The private Redis is
 * SIGKILLed mid-load and restarted on its AOF, then wiped (FLUSHALL) mid-load: the webhook keeps
 * acking from committed inbox rows, workers resume without a restart, and the sweepers re-enqueue
 * every lost job from the inbox and `analysis_due_at`, so every acked event is applied once.
 */
describe('fault: Redis lost mid-load', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 4 });
  }, 60_000);
  const diagnostics: Record<string, unknown> = {};
  afterAll(async () => {
    h?.dumpDiagnostics('redis-loss', diagnostics);
    await h?.close();
  });

  it('When Redis is SIGKILLed and restarted, then wiped, mid-load, then every acked event is applied once', async () => {
    const started = Date.now();
    const faults: Promise<void>[] = [];
    let schedulersAfterWipe = -1;
    const load = await h.runLoad({
      events: 200,
      ratePerSecond: 50,
      onTick: (i) => {
        if (i === 30) {
          faults.push(
            (async () => {
              await h.redis.kill();
              await sleep(1_500);
              await h.redis.restart();
            })(),
          );
        }
        if (i === 140) {
          faults.push(
            (async () => {
              const admin = new Redis(h.redis.url, { maxRetriesPerRequest: 1 });
              try {
                await admin.flushall();
                schedulersAfterWipe = (await admin.keys('*:repeat')).length;
              } finally {
                admin.disconnect();
              }
            })(),
          );
        }
      },
    });
    await Promise.all(faults);
    await h.sim.simulator.producer.flush();
    const settled = await h.settleUnacked();
    const drain = await h.drain(40_000);
    const ledger = await checkLedger(h);
    const notEnqueued =
      (await h.app.deps.metrics.webhookEvents.get()).values.find(
        (v) => v.labels.outcome === 'recorded_not_enqueued',
      )?.value ?? 0;
    const schedulers = (await h.app.deps.queues.maintenance.getJobSchedulers()).map((s) => s.key);
    console.warn(
      formatLedger('redis-loss', ledger, {
        ops: load.ops,
        notEnqueued,
        settled,
        schedulersAfterWipe,
        drainMs: drain.ms,
        testMs: Date.now() - started,
      }),
    );
    Object.assign(diagnostics, { drain });

    expect(drain, JSON.stringify(drain.state)).toMatchObject({ drained: true });
    expect(ledger.problems).toEqual([]);
    expect(ledger.numbers.eventsSent).toBeGreaterThanOrEqual(200);
    expect(ledger.numbers.applied).toBe(ledger.numbers.acked);
    // Redis being down never turns into an error answer: the row is committed, so the answer is 200.
    // (A 503 can only come from the database deadline, which a starved machine may miss: tolerated.)
    expect(Object.keys(ledger.numbers.statuses).filter((s) => !['200', '0', '503'].includes(s))).toEqual([]);
    // The load reached the app. Unacked keys are allowed (Strava gave up: I5); on a starved machine
    // many answers come after the producer's timeout, yet their rows are there, so count rows.
    expect(ledger.numbers.acked).toBeGreaterThan(0);
    expect(ledger.numbers.inboxRows).toBeGreaterThan(ledger.numbers.keys * 0.75);
    // The outage was real: events were recorded while their jobs could not be added.
    expect(notEnqueued).toBeGreaterThan(0);
    // The wipe took the sweepers' schedulers with it (schedulersAfterWipe, reported above, is read
    // right after FLUSHALL, racing the workers); the workers put them back, so sweeping continues.
    expect(schedulers).toEqual(expect.arrayContaining(['inbox-sweep', 'outbox-sweep']));
    expect(ledger.numbers.emailsSent).toBeGreaterThan(0);
    expect(await h.failedJobs()).toBe(0);
  }, 100_000);
});
