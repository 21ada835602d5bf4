/**
 * Analysis job cost against history size (issue 9), end to end: the whole
 * `analyzeRunner` (token, Strava list over WINDOW_DAYS, replace the cached
 * runs, detect, plan, outbox, one transaction) for runners whose Strava
 * history holds 100, 1,000 and 10,000 activities (one run a day). bench/detection.ts
 * covers the pure `detect` part; this adds the I/O.
 *
 *   npx tsx bench/analysis-cost.ts [rounds=15]
 *
 * In-process against the simulator (HTTP on 127.0.0.1) and a fresh Postgres
 * database; Redis at TEST_REDIS_URL (default 127.0.0.1:6379) under a unique
 * prefix, only for the rate governor. Rounds are interleaved (one analysis per
 * size per round, order rotating) so background load falls on every size alike.
 * The simulator runs in this process too and filters the whole history on
 * every list call, so its own handler time (from its request log) is shown
 * and subtracted: that part is Strava's cost, not RampGuard's.
 */

import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { analyzeRunner } from '../src/app/analysis/analyze-runner.js';
import { runs } from '../src/db/schema/index.js';
import { appendResults, describeMachine, heading, machineLine, summarize, table } from './lib/machine.js';
import './lib/loopback.js';
import { connectRunner, createTestContext } from '../test/helpers/strava.js';
import { positionalArgs, UNLIMITED } from './lib/stack.js';

const ROUNDS = Number(positionalArgs()[0] ?? 15);
const SIZES = [100, 1_000, 10_000];
const COMMAND = `npx tsx bench/analysis-cost.ts ${ROUNDS}`;
const DAY_MS = 86_400_000;

const machine = describeMachine();
const ctx = await createTestContext({ sim: { limits: UNLIMITED, requestLogLimit: 100_000 } });
try {
  const windowDays = ctx.deps.config.windowDays;
  console.error('seeding histories (100 / 1,000 / 10,000 runs, one a day)…');
  const subjects = [];
  for (const size of SIZES) {
    const { runnerId, athleteId } = await connectRunner(ctx, { firstname: `History${size}` });
    const shoe = await ctx.simControl.createShoe(athleteId, { name: 'Daily trainer', distance: 500_000 });
    const now = Date.now();
    const activities = Array.from({ length: size }, (_, i) => ({
      athleteId,
      name: `Run ${i}`,
      sport_type: 'Run',
      distance: 5_000 + ((i * 7_919) % 9_000),
      moving_time: 1_800 + ((i * 104_729) % 2_400),
      start_date: new Date(now - (size - i) * DAY_MS - 2 * 3_600_000).toISOString(),
      gear_id: shoe.id,
      has_heartrate: i % 3 !== 0,
      average_heartrate: 135 + (i % 30),
    }));
    for (let i = 0; i < activities.length; i += 5_000) {
      await ctx.simControl.createActivities({ activities: activities.slice(i, i + 5_000), notify: false });
    }
    // The first analysis also reads the shoes; it is not measured.
    await analyzeRunner(ctx.deps, runnerId);
    subjects.push({
      size,
      runnerId,
      wall: [] as number[],
      sim: [] as number[],
      calls: [] as number[],
      read: 0,
    });
  }

  console.error(`${ROUNDS} interleaved rounds…`);
  const requests = ctx.sim.simulator.state.requests;
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < subjects.length; k++) {
      const subject = subjects[(round + k) % subjects.length]!;
      const before = requests.length;
      const start = performance.now();
      const result = await analyzeRunner(ctx.deps, subject.runnerId);
      const wall = performance.now() - start;
      if (result.outcome !== 'done') throw new Error(`analysis skipped: ${result.reason}`);
      const made = requests.slice(before);
      subject.wall.push(wall);
      subject.sim.push(made.reduce((sum, r) => sum + r.durationMs, 0));
      subject.calls.push(made.length);
      subject.read = result.runs;
    }
  }
  const cached = async (runnerId: string) =>
    (await ctx.deps.db.select({ id: runs.activityId }).from(runs).where(eq(runs.runnerId, runnerId))).length;

  const rows = [];
  for (const s of subjects) {
    const wall = summarize(s.wall);
    const own = summarize(s.wall.map((w, i) => w - (s.sim[i] ?? 0)));
    const sim = summarize(s.sim);
    rows.push({ s, wall, own, sim, cached: await cached(s.runnerId) });
  }
  const ms = (x: number) => x.toFixed(1);
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const section = [
    heading('analysis-cost', machine),
    '',
    `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
    `Setup: \`analyzeRunner\` in-process, simulator over HTTP on 127.0.0.1 (in this process), Postgres database of its own, WINDOW_DAYS ${windowDays}; one run a day; ${ROUNDS} interleaved rounds per size after one unmeasured analysis.`,
    '',
    table(
      [
        'activities at Strava',
        'runs read (window)',
        'runs cached',
        'Strava calls / analysis',
        'analysis p50 ms',
        'p95 ms',
        'simulator time p50 ms',
        'RampGuard (analysis − simulator) p50 ms',
        'p95 ms',
      ],
      rows.map((r) => [
        r.s.size,
        r.s.read,
        r.cached,
        summarize(r.s.calls).p50,
        ms(r.wall.p50),
        ms(r.wall.p95),
        ms(r.sim.p50),
        ms(r.own.p50),
        ms(r.own.p95),
      ]),
    ),
    '',
    `Ratio ${last.s.size} vs ${first.s.size} activities: RampGuard's part ×${(last.own.p50 / first.own.p50).toFixed(2)} (p50), whole analysis ×${(last.wall.p50 / first.wall.p50).toFixed(2)}, simulator ×${(last.sim.p50 / first.sim.p50).toFixed(2)}. The window read is \`after = now − ${windowDays} d\`, so RampGuard handles ${first.s.read}–${last.s.read} runs whatever the history; only the (simulated) Strava side scans the full history.`,
  ].join('\n');
  console.log(`\n${section}\n`);
  appendResults(section);
} finally {
  await ctx.close();
}
