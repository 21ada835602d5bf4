/**
 * Strava budget (issue 9): Strava API calls per processed activity, counted
 * from the simulator's request log (every `/api/v3` and `/oauth` call it
 * answered).
 *
 *   npx tsx bench/strava-budget.ts [runners=10] [runsEach=5] [spacingS=5] [burstRunners=5] [burstEvents=20]
 *
 * RampGuard runs as the compiled build (or source with --tsx: bench/lib/stack.ts) ROLE=web and ROLE=worker
 * against the simulator, which posts each webhook like Strava.
 * - connect: what connecting a runner costs (code exchange + first analysis);
 * - steady state: each runner uploads `runsEach` runs, one every `spacingS`
 *   seconds (nothing running or due by then, so each is analysed at once: the
 *   one-run-per-runner-per-hour case, compressed), runners interleaved;
 * - bursts: `burstEvents` new runs for one runner uploaded at once (one bulk
 *   upload, the simulator posts every webhook), for `burstRunners` runners;
 *   the first is analysed at once, the rest coalesce into one follow-up.
 * Runners served a day follow from the measured calls per analysis and the
 * default limits (API.md §3: overall 2,000/day, read 1,000/day; the governor
 * keeps 5% in reserve). Targets: ≤ 1.0 call per activity steady, ≤ 0.5 in bursts.
 */
import { DEFAULT_RATE_LIMITS } from '../src/sim/index.js';
import type { RequestRecord } from '../src/sim/state.js';
import { appendResults, describeMachine, heading, machineLine, sleep, table } from './lib/machine.js';
import {
  type BenchRunner,
  connectRunners,
  LAUNCH,
  positionalArgs,
  startStack,
  waitForQuiet,
} from './lib/stack.js';

const RUNNERS = Number(positionalArgs()[0] ?? 10);
const RUNS_EACH = Number(positionalArgs()[1] ?? 5);
const SPACING_S = Number(positionalArgs()[2] ?? 5);
const BURST_RUNNERS = Number(positionalArgs()[3] ?? 5);
const BURST_EVENTS = Number(positionalArgs()[4] ?? 20);
const COMMAND = `npx tsx bench/strava-budget.ts ${RUNNERS} ${RUNS_EACH} ${SPACING_S} ${BURST_RUNNERS} ${BURST_EVENTS}`;
/** rate-governor.ts keeps this fraction of every limit in reserve. */
const RESERVE = 0.05;
const MIN_MS = 60_000;
/** A raised daily read limit (the comparison point), same per-runner cost. */
const RAISED_READ_DAILY = 10_000;

type Counted = { total: number; analyses: number; byEndpoint: Map<string, number> };

function endpointOf(r: RequestRecord): string {
  const path = r.path
    .replace(/^\/api\/v3/, '')
    .replace(/\/activities\/\d+/, '/activities/{id}')
    .replace(/\/gear\/[^/]+/, '/gear/{id}');
  return `${r.method} ${path}`;
}

function count(records: readonly RequestRecord[]): Counted {
  const byEndpoint = new Map<string, number>();
  let analyses = 0;
  for (const r of records) {
    // Push-subscription calls are the app's own set-up, and POST /oauth/authorize is the
    // runner's browser on the consent page: neither is a call RampGuard makes per runner.
    if (r.path.includes('push_subscriptions') || r.path.startsWith('/oauth/authorize')) continue;
    const key = endpointOf(r);
    byEndpoint.set(key, (byEndpoint.get(key) ?? 0) + 1);
    if (key === 'GET /athlete/activities' && (r.query.page ?? '1') === '1') analyses++;
  }
  return { total: [...byEndpoint.values()].reduce((a, b) => a + b, 0), analyses, byEndpoint };
}

const machine = describeMachine();
const stack = await startStack();
try {
  const { ctx } = stack;
  await stack.startRole('web');
  await stack.startRole('worker');
  await stack.subscribe();
  const requests = () => ctx.sim.simulator.state.requests;
  let day = 0;
  /** Each new run starts a little later than the last, all within the past few hours. */
  const newRun = (r: BenchRunner, distance = 8_000) => ({
    athleteId: r.athleteId,
    name: 'Run',
    sport_type: 'Run',
    distance,
    moving_time: Math.round(distance * 0.33),
    start_date: new Date(Date.now() - 6 * 3_600_000 + day++ * MIN_MS).toISOString(),
    gear_id: r.shoeId,
  });

  console.error(`connect: ${RUNNERS + BURST_RUNNERS} runners…`);
  await ctx.simControl.clearRequests();
  const all = await connectRunners(stack, RUNNERS + BURST_RUNNERS, {
    prefix: 'Budget',
    history: { runs: 28, everyDays: 2, lastDaysAgo: 4 },
  });
  const connect = count(requests());
  const steadyRunners = all.slice(0, RUNNERS);
  const burstRunners = all.slice(RUNNERS);

  console.error(`steady: ${RUNNERS} runners × ${RUNS_EACH} runs, ${SPACING_S} s apart…`);
  await ctx.simControl.clearRequests();
  const steadyStart = Date.now();
  await Promise.all(
    steadyRunners.flatMap((r, i) =>
      Array.from({ length: RUNS_EACH }, async (_, j) => {
        await sleep(steadyStart + j * SPACING_S * 1_000 + (i * SPACING_S * 1_000) / RUNNERS - Date.now());
        await ctx.simControl.createActivity({ ...newRun(r), notify: true });
      }),
    ),
  );
  await waitForQuiet(stack, 120_000);
  const steady = count(requests());

  console.error(`bursts: ${BURST_RUNNERS} runners × ${BURST_EVENTS} runs within 1 s…`);
  await ctx.simControl.clearRequests();
  const burstStart = Date.now();
  // One bulk upload per runner with notify: the simulator posts its 20 webhooks at once, so the
  // burst stays within a second however busy the machine is (scheduling 20 single uploads did not).
  await Promise.all(
    burstRunners.map((r) =>
      ctx.simControl.createActivities({
        notify: true,
        activities: Array.from({ length: BURST_EVENTS }, () => newRun(r, 5_000)),
      }),
    ),
  );
  await waitForQuiet(stack, 120_000);
  const burst = count(requests());
  // The span that matters is when the webhooks were posted: per runner, first to last POST.
  const burstAthletes = new Set(burstRunners.map((r) => r.athleteId));
  const postedAt = new Map<string, number[]>();
  for (const e of ctx.sim.simulator.state.events) {
    const at = e.attempts[0] ? Date.parse(e.attempts[0].at) : Number.NaN;
    if (!burstAthletes.has(e.event.owner_id) || !(at >= burstStart)) continue;
    postedAt.set(e.event.owner_id, [...(postedAt.get(e.event.owner_id) ?? []), at]);
  }
  const burstSpan = Math.max(...[...postedAt.values()].map((t) => (Math.max(...t) - Math.min(...t)) / 1_000));

  const steadyActivities = RUNNERS * RUNS_EACH;
  const burstActivities = BURST_RUNNERS * BURST_EVENTS;
  const perActivitySteady = steady.total / steadyActivities;
  const perActivityBurst = burst.total / burstActivities;
  const perAnalysis = steady.total / Math.max(1, steady.analyses);
  const connectPerRunner = connect.total / all.length;
  const overall = DEFAULT_RATE_LIMITS.overallDaily * (1 - RESERVE);
  const read = DEFAULT_RATE_LIMITS.readDaily * (1 - RESERVE);
  const endpoints = [
    ...new Set([...connect.byEndpoint.keys(), ...steady.byEndpoint.keys(), ...burst.byEndpoint.keys()]),
  ].sort();
  const f2 = (x: number) => x.toFixed(2);
  const section = [
    heading('strava-budget', machine),
    '',
    `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
    `Setup: ${LAUNCH} ROLE=web and ROLE=worker, simulator posting the webhooks; runners with 28 runs over eight weeks and one shoe (granted read, activity:read_all, profile:read_all). Counts are every call RampGuard made that the simulator logged (\`/api/v3\` and \`/oauth/token\`; the consent-page form post and the push-subscription set-up are not counted).`,
    '',
    table(
      [
        'phase',
        'activities',
        'analyses',
        'Strava calls',
        'calls / activity',
        'calls / analysis',
        ...endpoints,
      ],
      [
        [
          'connect (exchange + first analysis)',
          `${all.length} runners`,
          connect.analyses,
          connect.total,
          '–',
          f2(connect.total / Math.max(1, connect.analyses)),
          ...endpoints.map((e) => connect.byEndpoint.get(e) ?? 0),
        ],
        [
          `steady (${RUNS_EACH} runs/runner, ${SPACING_S} s apart)`,
          steadyActivities,
          steady.analyses,
          steady.total,
          `**${f2(perActivitySteady)}**`,
          f2(perAnalysis),
          ...endpoints.map((e) => steady.byEndpoint.get(e) ?? 0),
        ],
        [
          `bursts (${BURST_EVENTS} runs/runner, webhooks within ${f2(burstSpan)} s)`,
          burstActivities,
          burst.analyses,
          burst.total,
          `**${f2(perActivityBurst)}**`,
          f2(burst.total / Math.max(1, burst.analyses)),
          ...endpoints.map((e) => burst.byEndpoint.get(e) ?? 0),
        ],
      ],
    ),
    '',
    `List pages per analysis: ${f2((steady.byEndpoint.get('GET /athlete/activities') ?? 0) / Math.max(1, steady.analyses))} (after the backfill, a token with activity:read_all stops at the first short page, docs/strava.md; the connect backfill still reads to the empty page).`,
    '',
    `Targets: steady ≤ 1.0 call/activity: ${perActivitySteady <= 1 ? 'met' : 'missed'} (${f2(perActivitySteady)}); bursts ≤ 0.5: ${perActivityBurst <= 0.5 ? 'met' : 'missed'} (${f2(perActivityBurst)}).`,
    '',
    `Runners served per day (one new activity per runner per day, each its own analysis at ${f2(perAnalysis)} calls; 5% reserve kept by the governor): overall limit ${DEFAULT_RATE_LIMITS.overallDaily}/day → ${Math.floor(overall / perAnalysis)} runners; read limit ${DEFAULT_RATE_LIMITS.readDaily}/day (every RampGuard call is a read) → **${Math.floor(read / perAnalysis)} runners**; a raised read limit of ${RAISED_READ_DAILY}/day → **${Math.floor((RAISED_READ_DAILY * (1 - RESERVE)) / perAnalysis)} runners**. Connecting costs ${f2(connectPerRunner)} calls per runner once. The 15-minute read limit (${DEFAULT_RATE_LIMITS.readFifteenMin}) allows ${Math.floor((DEFAULT_RATE_LIMITS.readFifteenMin * (1 - RESERVE)) / perAnalysis)} analyses per quarter hour; the governor defers the rest to the next window.`,
  ].join('\n');
  console.log(`\n${section}\n`);
  appendResults(section);
} finally {
  await stack.close();
}
