/**
 * End to end (issue 9): webhook → stored detection → email, with the Strava
 * simulator answering instantly.
 *
 *   npx tsx bench/e2e.ts [burst=200] [paced=40] [pacedPerSecond=4] [runnerBursts=3]
 *
 * RampGuard runs as two processes, the compiled build (or source with --tsx: bench/lib/stack.ts) with
 * ROLE=web and ROLE=worker (Postgres database of its own, private redis-server,
 * SMTP sink). `burst + paced` runners are connected through the simulator's
 * OAuth, each with eight weeks of steady 8 km runs, a verified address and one
 * baseline analysis. Then each gets one 16 km run (a session spike, which
 * alerts), created in the simulator, which posts the webhook like Strava:
 *
 * - burst: `burst` runs at once; events/s = events ÷ (first webhook POST →
 *   last detection stored), and the drain rate of the analyses;
 * - paced: `paced` runs at `pacedPerSecond`, for latencies without a backlog
 *   (the issue 13 target: webhook → alert email p95 ≤ 2 s, p50 ≤ 1 s);
 * - runner bursts: for `runnerBursts` runners, 20 runs of one runner uploaded
 *   at once (the simulator posts 20 webhooks): analyses per runner, counted
 *   as list calls at the simulator (target: at most 2, the first event's and
 *   one coalesced follow-up).
 *
 * Times: the webhook POST from the simulator's delivery log (first attempt),
 * the detection from `detections.detected_at` (Postgres `now()` of the
 * analysis transaction, a few ms before its commit), the email from the sink's
 * arrival time. A runner's first event is analysed at once; only events that
 * arrive while an analysis is running or due wait ANALYSIS_COALESCE_MS for
 * the follow-up (docs/analysis-latency.md).
 */
import { inArray, sql } from 'drizzle-orm';
import { ANALYSIS_COALESCE_MS } from '../src/db/repositories/analysis-due.js';
import { detections } from '../src/db/schema/index.js';
import {
  appendResults,
  describeMachine,
  heading,
  machineLine,
  sleep,
  summarize,
  table,
  waitFor,
} from './lib/machine.js';
import {
  type BenchRunner,
  connectRunners,
  cpuSeconds,
  LAUNCH,
  pendingJobs,
  positionalArgs,
  startStack,
  waitForQuiet,
} from './lib/stack.js';

const BURST = Number(positionalArgs()[0] ?? 200);
const PACED = Number(positionalArgs()[1] ?? 40);
const PACED_PER_S = Number(positionalArgs()[2] ?? 4);
const RUNNER_BURSTS = Number(positionalArgs()[3] ?? 3);
const EVENTS_PER_RUNNER_BURST = 20;
const COMMAND = `npx tsx bench/e2e.ts ${BURST} ${PACED} ${PACED_PER_S} ${RUNNER_BURSTS}`;
const HOUR_MS = 3_600_000;

const machine = describeMachine();
const stack = await startStack({ smtp: true });
try {
  const { ctx } = stack;
  const sink = stack.sink!;
  const web = await stack.startRole('web');
  const worker = await stack.startRole('worker');
  await stack.subscribe();
  console.error(`connecting ${BURST + PACED + RUNNER_BURSTS} runners (history, baseline analysis)…`);
  const all = await connectRunners(stack, BURST + PACED + RUNNER_BURSTS, {
    prefix: 'E2e',
    history: { runs: 28, everyDays: 2, lastDaysAgo: 4 },
    verifiedEmail: true,
  });
  // The baseline reads just happened; a read this recent makes the next event wait for the
  // coalescing window (docs/analysis-latency.md). Real runners' last read is not seconds old.
  await sleep(ANALYSIS_COALESCE_MS);
  const burstRunners = all.slice(0, BURST);
  const pacedRunners = all.slice(BURST, BURST + PACED);
  const oneRunnerBursts = all.slice(BURST + PACED);
  await ctx.simControl.clearRequests();

  const spike = (r: BenchRunner) => ({
    athleteId: r.athleteId,
    name: 'Long run',
    sport_type: 'Run',
    distance: 16_000,
    moving_time: 5_300,
    start_date: new Date(Date.now() - HOUR_MS).toISOString(),
    gear_id: r.shoeId,
    has_heartrate: true,
    average_heartrate: 150,
  });

  type Measured = { posted: number; detected: number; emailed: number };
  /** Waits for one detection and one email per runner, then joins the three timestamps. */
  const measure = async (group: BenchRunner[], activityIds: Map<string, string>, since: number) => {
    const ids = group.map((r) => r.runnerId);
    const firstDetections = await waitFor(
      `${group.length} detections`,
      async () => {
        const rows = await ctx.deps.db
          .select({ runnerId: detections.runnerId, at: sql<Date>`min(${detections.detectedAt})` })
          .from(detections)
          .where(
            sql`${inArray(detections.runnerId, ids)} and ${detections.detectedAt} >= ${new Date(since - 1_000).toISOString()}::timestamptz`,
          )
          .groupBy(detections.runnerId);
        return rows.length === group.length ? rows : undefined;
      },
      180_000,
      200,
    );
    const emails = await waitFor(
      `${group.length} emails`,
      async () => {
        const wanted = new Set(group.map((r) => r.email));
        const got = sink.messages.filter((m) => m.to.some((t) => wanted.has(t)));
        return got.length >= group.length ? got : undefined;
      },
      180_000,
      200,
    );
    const detectedAt = new Map(firstDetections.map((d) => [d.runnerId, new Date(d.at).getTime()]));
    const emailedAt = new Map<string, number>();
    for (const m of emails) for (const to of m.to) if (!emailedAt.has(to)) emailedAt.set(to, m.receivedAt);
    const events = ctx.sim.simulator.state.events;
    return group.map((r): Measured => {
      const activityId = activityIds.get(r.athleteId);
      const record = events.find((e) => e.event.object_id === activityId && e.event.aspect_type === 'create');
      const posted = record?.attempts[0] ? Date.parse(record.attempts[0].at) : Number.NaN;
      return {
        posted,
        detected: detectedAt.get(r.runnerId) ?? Number.NaN,
        emailed: emailedAt.get(r.email) ?? Number.NaN,
      };
    });
  };

  console.error(`burst: ${BURST} runs at once…`);
  const burstStart = Date.now();
  const cpuBefore = { web: cpuSeconds(web.pid), worker: cpuSeconds(worker.pid) };
  const created = await ctx.simControl.createActivities({
    activities: burstRunners.map(spike),
    notify: true,
  });
  const burstIds = new Map(created.activities.map((a) => [a.athlete_id, a.id]));
  const burst = await measure(burstRunners, burstIds, burstStart);
  const burstSeconds = (Date.now() - burstStart) / 1_000;
  const burstCpu = {
    web: (cpuSeconds(web.pid) - cpuBefore.web) / burstSeconds,
    worker: (cpuSeconds(worker.pid) - cpuBefore.worker) / burstSeconds,
  };

  console.error(`paced: ${PACED} runs at ${PACED_PER_S}/s…`);
  const pacedStart = Date.now();
  const pacedIds = new Map<string, string>();
  await Promise.all(
    pacedRunners.map(async (r, i) => {
      await sleep(pacedStart + (i * 1_000) / PACED_PER_S - Date.now());
      const result = await ctx.simControl.createActivity({ ...spike(r), notify: true });
      pacedIds.set(r.athleteId, result.activity.id);
    }),
  );
  const paced = await measure(pacedRunners, pacedIds, pacedStart);

  console.error(`runner bursts: ${RUNNER_BURSTS} runners × ${EVENTS_PER_RUNNER_BURST} runs at once…`);
  await waitForQuiet(stack, 120_000);
  const runnerBurstStart = Date.now();
  await Promise.all(
    oneRunnerBursts.map((r) =>
      ctx.simControl.createActivities({
        notify: true,
        activities: Array.from({ length: EVENTS_PER_RUNNER_BURST }, (_, i) => ({
          ...spike(r),
          name: `Burst ${i}`,
          distance: 5_000,
          moving_time: 1_600,
          start_date: new Date(Date.now() - 5 * HOUR_MS + i * 60_000).toISOString(),
        })),
      }),
    ),
  );
  await waitForQuiet(stack, 120_000);
  const burstAthletes = new Set(oneRunnerBursts.map((r) => r.athleteId));
  const analysesPerRunner = new Map<string, number>();
  for (const q of ctx.sim.simulator.state.requests) {
    if (!q.athleteId || !burstAthletes.has(q.athleteId) || Date.parse(q.at) < runnerBurstStart) continue;
    if (q.path !== '/api/v3/athlete/activities' || (q.query.page ?? '1') !== '1') continue;
    analysesPerRunner.set(q.athleteId, (analysesPerRunner.get(q.athleteId) ?? 0) + 1);
  }
  const analysisCounts = oneRunnerBursts.map((r) => analysesPerRunner.get(r.athleteId) ?? 0);
  const postSpans = oneRunnerBursts.map((r) => {
    const times = ctx.sim.simulator.state.events
      .filter(
        (e) =>
          e.event.owner_id === r.athleteId &&
          e.attempts[0] &&
          Date.parse(e.attempts[0].at) >= runnerBurstStart,
      )
      .map((e) => Date.parse(e.attempts[0]!.at));
    return times.length > 0 ? Math.max(...times) - Math.min(...times) : 0;
  });
  const leftover = await pendingJobs(stack);

  const firstPost = Math.min(...burst.map((m) => m.posted));
  const lastPost = Math.max(...burst.map((m) => m.posted));
  const firstDetection = Math.min(...burst.map((m) => m.detected));
  const lastDetection = Math.max(...burst.map((m) => m.detected));
  const lastEmail = Math.max(...burst.map((m) => m.emailed));
  const eventsPerS = BURST / ((lastDetection - firstPost) / 1_000);
  const drainPerS = (BURST - 1) / ((lastDetection - firstDetection) / 1_000);
  const emailsPerS = BURST / ((lastEmail - firstPost) / 1_000);
  const s = (x: number) => (x / 1_000).toFixed(2);
  const lat = (ms: Measured[], pick: (m: Measured) => number) => summarize(ms.map((m) => pick(m) - m.posted));
  const pacedMail = lat(paced, (m) => m.emailed);
  const row = (name: string, ms: Measured[]) => {
    const det = lat(ms, (m) => m.detected);
    const mail = lat(ms, (m) => m.emailed);
    return [name, ms.length, s(det.p50), s(det.p95), s(det.max), s(mail.p50), s(mail.p95), s(mail.max)];
  };
  const section = [
    heading('e2e', machine),
    '',
    `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
    `Setup: ${LAUNCH} ROLE=web and ROLE=worker processes (worker concurrency: events 8, analysis 4, email 4), Postgres database of its own, private redis-server (AOF everysec), simulator (no latency, limits lifted) and SMTP sink in the bench process. ${BURST + PACED + RUNNER_BURSTS} runners with 28 runs each over eight weeks, read on connect (history); each event is one new 16 km run (session spike → plan raised → alert email). A runner's first event is analysed at once; events arriving while an analysis runs or is due wait ${ANALYSIS_COALESCE_MS} ms for one follow-up.`,
    '',
    `Burst: ${BURST} webhooks posted by the simulator within ${s(lastPost - firstPost)} s; last detection stored ${s(lastDetection - firstPost)} s after the first POST → **${eventsPerS.toFixed(1)} events/s webhook → stored detection**; analyses drained at ${drainPerS.toFixed(1)}/s once the first was due; all ${BURST} alert emails in ${s(lastEmail - firstPost)} s (${emailsPerS.toFixed(1)}/s). CPU during the burst: worker ${(burstCpu.worker * 100).toFixed(0)}% of a core, web ${(burstCpu.web * 100).toFixed(0)}%.`,
    '',
    table(
      ['phase', 'events', 'detection p50 s', 'p95 s', 'max s', 'email p50 s', 'p95 s', 'max s'],
      [row(`burst (${BURST} at once)`, burst), row(`paced (${PACED_PER_S}/s)`, paced)],
    ),
    '',
    `Latencies from the simulator's webhook POST of the create event to the detection row, and to the alert's arrival at the SMTP sink. Paced target (issue 13): email p95 ≤ 2 s ${pacedMail.p95 <= 2_000 ? 'met' : 'missed'}, p50 ≤ 1 s ${pacedMail.p50 <= 1_000 ? 'met' : 'missed'}.`,
    '',
    `Runner bursts: ${RUNNER_BURSTS} runners × ${EVENTS_PER_RUNNER_BURST} runs uploaded at once (webhooks posted within ${s(Math.max(...postSpans))} s per runner) → analyses per runner: ${analysisCounts.join(', ')} (target ≤ 2: ${Math.max(...analysisCounts) <= 2 ? 'met' : 'missed'}).`,
    '',
    `Jobs left afterwards: ${JSON.stringify(leftover)}.`,
  ].join('\n');
  console.log(`\n${section}\n`);
  appendResults(section);
} finally {
  await stack.close();
}
