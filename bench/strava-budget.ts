/**
 * Strava budget (issues 9 and 14): Strava calls per processed activity and per
 * runner-day, counted from the simulator's request log (every `/api/v3` and
 * `/oauth` call it answered).
 *
 *   npx tsx bench/strava-budget.ts [runners=20] [spacingS=5] [burstRunners=5] [burstEvents=20] [seed=14]
 *
 * RampGuard runs as the compiled build (or source with --tsx: bench/lib/stack.ts) ROLE=web and ROLE=worker
 * against the simulator, which posts each webhook like Strava. Phases, all in one run:
 * - connect: what connecting a runner costs (code exchange + the backfill of 12 weeks: 40 runs
 *   over 80 days and one shoe);
 * - a day's events: each runner uploads one or two runs; some rename a run (title-only: no
 *   analysis), some change a run's type, some delete an old run (seeded random mix), each action
 *   `spacingS` apart (beyond the 3 s coalescing window, so each is analysed at once), runners interleaved;
 * - the rest of the day: one reconciliation read and one shoe refresh per runner (the most either
 *   costs a day, docs/strava-quota.md#what-a-runner-costs-per-day), measured by ageing the last
 *   read and the shoe cache by 25 hours and running the reconciliation job;
 * - bursts: `burstEvents` new runs for one runner uploaded at once (one bulk upload, the simulator
 *   posts every webhook), for `burstRunners` runners; the first is analysed at once, the rest
 * coalesce into one follow-up.
 * Runners served a day = what background work may spend a day (the daily read limit less the
 * governor's 5% reserve and the 5% kept for connects) / calls per runner-day (the day's events
 * plus the rest of the day). Targets: ≤ 1.00 call per processed activity for the day's events,
 * ≤ 0.5 in bursts, connect ≤ 2 API calls.
 */

import { DEFAULT_RATE_LIMITS, type RequestRecord } from '@rampguard/strava-sim';
import { inArray, sql } from 'drizzle-orm';
import { runners, shoes } from '../src/db/schema/index.js';
import { enqueue } from '../src/jobs/definition.js';
import { reconcileRunnersJob } from '../src/jobs/reconcile-runners/job.js';
import { appendResults, describeMachine, heading, machineLine, sleep, table } from './lib/machine.js';
import {
  type BenchRunner,
  connectRunners,
  LAUNCH,
  positionalArgs,
  startStack,
  waitForQuiet,
} from './lib/stack.js';

const RUNNERS = Number(positionalArgs()[0] ?? 20);
const SPACING_S = Number(positionalArgs()[1] ?? 5);
const BURST_RUNNERS = Number(positionalArgs()[2] ?? 5);
const BURST_EVENTS = Number(positionalArgs()[3] ?? 20);
const SEED = Number(positionalArgs()[4] ?? 14);
const COMMAND = `npx tsx bench/strava-budget.ts ${RUNNERS} ${SPACING_S} ${BURST_RUNNERS} ${BURST_EVENTS} ${SEED}`;
const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
/** A raised daily read limit (the comparison point), same per-runner cost. */
const RAISED_READ_DAILY = 10_000;

/** What background work may spend of a daily limit, as the governor counts it (rate-governor.ts). */
function usableDaily(limit: number): number {
  return limit - Math.ceil(limit * 0.05) - Math.ceil(limit * 0.05);
}

/** mulberry32: the day's mix is random but the same on every run with the same seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Counted = { total: number; api: number; analyses: number; byEndpoint: Map<string, number> };

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
  let api = 0;
  for (const r of records) {
    // Push-subscription calls are the app's own set-up, and POST /oauth/authorize is the
    // runner's browser on the consent page: neither is a call RampGuard makes per runner.
    if (r.path.includes('push_subscriptions') || r.path.startsWith('/oauth/authorize')) continue;
    const key = endpointOf(r);
    byEndpoint.set(key, (byEndpoint.get(key) ?? 0) + 1);
    if (r.path.startsWith('/api/v3/')) api++;
    if (key === 'GET /athlete/activities' && (r.query.page ?? '1') === '1') analyses++;
  }
  return { total: [...byEndpoint.values()].reduce((a, b) => a + b, 0), api, analyses, byEndpoint };
}

type Action = { runner: BenchRunner; kind: 'run' | 'rename' | 'retype' | 'delete' };

const machine = describeMachine();
const stack = await startStack();
try {
  const { ctx } = stack;
  await stack.startRole('web');
  await stack.startRole('worker');
  await stack.subscribe();
  const requests = () => ctx.sim.simulator.state.requests;
  const random = seeded(SEED);
  let minute = 0;
  /** Each new run starts a little later than the last, all within the past few hours. */
  const newRun = (r: BenchRunner, distance = 8_000) => ({
    athleteId: r.athleteId,
    name: 'Run',
    sport_type: 'Run',
    distance,
    moving_time: Math.round(distance * 0.33),
    start_date: new Date(Date.now() - 6 * HOUR_MS + minute++ * MIN_MS).toISOString(),
    gear_id: r.shoeId,
  });

  console.error(`connect: ${RUNNERS + BURST_RUNNERS} runners…`);
  await ctx.simControl.clearRequests();
  const all = await connectRunners(stack, RUNNERS + BURST_RUNNERS, {
    prefix: 'Budget',
    history: { runs: 40, everyDays: 2, lastDaysAgo: 2 },
  });
  const connect = count(requests());
  const dayRunners = all.slice(0, RUNNERS);
  const burstRunners = all.slice(RUNNERS);

  // A day's events: one or two runs each; some renames, type changes and deletes.
  const perRunner: Action[][] = dayRunners.map((runner) => {
    const actions: Action[] = [{ runner, kind: 'run' }];
    if (random() < 0.5) actions.push({ runner, kind: 'run' });
    if (random() < 0.3) actions.push({ runner, kind: 'rename' });
    if (random() < 0.15) actions.push({ runner, kind: 'retype' });
    if (random() < 0.15) actions.push({ runner, kind: 'delete' });
    return actions;
  });
  const tally = (kind: Action['kind']) => perRunner.flat().filter((a) => a.kind === kind).length;
  const mix = {
    run: tally('run'),
    rename: tally('rename'),
    retype: tally('retype'),
    delete: tally('delete'),
  };
  const uploaded = new Map<string, string[]>();
  const history = new Map<string, string[]>();
  for (const r of dayRunners) {
    const listed = await ctx.simControl.listActivities(r.athleteId);
    history.set(
      r.athleteId,
      listed.map((a) => a.id),
    );
  }
  console.error(`a day's events: ${JSON.stringify(mix)} for ${RUNNERS} runners, ${SPACING_S} s apart…`);
  await ctx.simControl.clearRequests();
  const dayStart = Date.now();
  await Promise.all(
    perRunner.flatMap((actions, i) =>
      actions.map(async ({ runner, kind }, j) => {
        await sleep(dayStart + j * SPACING_S * 1_000 + (i * SPACING_S * 1_000) / RUNNERS - Date.now());
        const mine = uploaded.get(runner.athleteId) ?? [];
        if (kind === 'run') {
          const created = await ctx.simControl.createActivity({ ...newRun(runner), notify: true });
          uploaded.set(runner.athleteId, [...mine, created.activity.id]);
        } else if (kind === 'rename') {
          await ctx.simControl.updateActivity(mine[0]!, { name: 'Morning run by the river', notify: true });
        } else if (kind === 'retype') {
          await ctx.simControl.updateActivity(mine[0]!, { sport_type: 'TrailRun', notify: true });
        } else {
          await ctx.simControl.deleteActivity(history.get(runner.athleteId)![0]!, { notify: true });
        }
      }),
    ),
  );
  await waitForQuiet(stack, 120_000);
  const day = count(requests());

  // The rest of the day: 25 hours on, every runner's shoes are stale and their last read a day old.
  console.error('the rest of the day: reconciliation and shoe refresh…');
  await ctx.simControl.clearRequests();
  const dayIds = dayRunners.map((r) => r.runnerId);
  await ctx.deps.db
    .update(runners)
    .set({ lastAnalyzedAt: sql`${runners.lastAnalyzedAt} - interval '25 hours'` })
    .where(inArray(runners.id, dayIds));
  await ctx.deps.db
    .update(shoes)
    .set({ fetchedAt: sql`${shoes.fetchedAt} - interval '25 hours'` })
    .where(inArray(shoes.runnerId, dayIds));
  await enqueue(ctx.deps, reconcileRunnersJob, {});
  await sleep(2_000);
  await waitForQuiet(stack, 120_000);
  const rest = count(requests());

  console.error(`bursts: ${BURST_RUNNERS} runners × ${BURST_EVENTS} runs within 1 s…`);
  await ctx.simControl.clearRequests();
  const burstStart = Date.now();
  // One bulk upload per runner with notify: the simulator posts its webhooks at once, so the
  // burst stays within a second however busy the machine is.
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
  const burstAthletes = new Set(burstRunners.map((r) => r.athleteId));
  const postedAt = new Map<string, number[]>();
  for (const e of ctx.sim.simulator.state.events) {
    const at = e.attempts[0] ? Date.parse(e.attempts[0].at) : Number.NaN;
    if (!burstAthletes.has(e.event.owner_id) || !(at >= burstStart)) continue;
    postedAt.set(e.event.owner_id, [...(postedAt.get(e.event.owner_id) ?? []), at]);
  }
  const burstSpan = Math.max(...[...postedAt.values()].map((t) => (Math.max(...t) - Math.min(...t)) / 1_000));

  // Processed activities: the events that ask for an analysis (uploads, type changes, deletes);
  // renames are acknowledged and cost nothing, so they are left out of the denominator.
  const dayActivities = mix.run + mix.retype + mix.delete;
  const perActivityDay = day.total / dayActivities;
  const burstActivities = BURST_RUNNERS * BURST_EVENTS;
  const perActivityBurst = burst.total / burstActivities;
  const connectApi = connect.api / all.length;
  const perRunnerDay = (day.total + rest.total) / RUNNERS;
  const perRunnerEvents = day.total / RUNNERS;
  const perRunnerDaily = perRunnerEvents + (rest.byEndpoint.get('GET /athlete') ?? 0) / RUNNERS;
  const runnersAt = (limit: number, cost: number) => Math.floor(usableDaily(limit) / cost);
  const endpoints = [
    ...new Set([
      ...connect.byEndpoint.keys(),
      ...day.byEndpoint.keys(),
      ...rest.byEndpoint.keys(),
      ...burst.byEndpoint.keys(),
    ]),
  ].sort();
  const f2 = (x: number) => x.toFixed(2);
  const row = (name: string, activities: string | number, c: Counted, perActivity: string) => [
    name,
    activities,
    c.analyses,
    c.total,
    perActivity,
    f2(c.total / Math.max(1, c.analyses)),
    ...endpoints.map((e) => c.byEndpoint.get(e) ?? 0),
  ];
  const section = [
    heading('strava-budget (issue 14: a day’s event mix)', machine),
    '',
    `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
    `Setup: ${LAUNCH} ROLE=web and ROLE=worker, simulator posting the webhooks; ${all.length} runners, each with 40 runs over 80 days (12 weeks of window) and one shoe, granted read, activity:read_all, profile:read_all. The day's mix (seed ${SEED}): ${mix.run} uploads, ${mix.rename} renames, ${mix.retype} type changes, ${mix.delete} deletes of an old run, for ${RUNNERS} runners. Counts are every call RampGuard made that the simulator logged (\`/api/v3\` and \`/oauth/token\`; the consent-page form post and the push-subscription set-up are not counted).`,
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
        row('connect (code exchange + backfill)', `${all.length} runners`, connect, '–'),
        row(`a day's events (${SPACING_S} s apart)`, dayActivities, day, `**${f2(perActivityDay)}**`),
        row('rest of the day (reconciliation + shoe refresh, 25 h on)', `${RUNNERS} runners`, rest, '–'),
        row(
          `bursts (${BURST_EVENTS} runs/runner, webhooks within ${f2(burstSpan)} s)`,
          burstActivities,
          burst,
          `**${f2(perActivityBurst)}**`,
        ),
      ],
    ),
    '',
    `Targets: a day's events ≤ 1.00 call per processed activity: ${perActivityDay <= 1 ? 'met' : 'missed'} (${f2(perActivityDay)}; renames cost nothing and are not counted as processed); bursts ≤ 0.5: ${perActivityBurst <= 0.5 ? 'met' : 'missed'} (${f2(perActivityBurst)}); connect ≤ 2 API calls: ${connectApi <= 2 ? 'met' : 'missed'} (${f2(connectApi)} API calls per runner, plus the code exchange at \`/oauth/token\`).`,
    '',
    `Runners served per day. A runner-day costs ${f2(perRunnerEvents)} calls for its events plus ${f2(rest.total / RUNNERS)} for the rest of the day (at most one reconciliation read and one shoe refresh; a runner who runs daily is never reconciled, so this is an upper bound) = **${f2(perRunnerDay)} calls**. Background work may spend the daily read limit less 5% reserve and 5% kept for connects: default ${DEFAULT_RATE_LIMITS.readDaily}/day → ${usableDaily(DEFAULT_RATE_LIMITS.readDaily)} → **${runnersAt(DEFAULT_RATE_LIMITS.readDaily, perRunnerDay)} runners**; raised ${RAISED_READ_DAILY}/day → ${usableDaily(RAISED_READ_DAILY)} → **${runnersAt(RAISED_READ_DAILY, perRunnerDay)} runners**. Runners who run every day are never reconciled and pay only the shoe refresh on top of their events (${f2(perRunnerDaily)} calls): ${runnersAt(DEFAULT_RATE_LIMITS.readDaily, perRunnerDaily)} and ${runnersAt(RAISED_READ_DAILY, perRunnerDaily)}. The overall limit (${DEFAULT_RATE_LIMITS.overallDaily}/day by default) is twice the read limit and every call is a read, so reads bind. Connecting costs ${f2(connect.total / all.length)} calls per runner once, from the share kept for connects. The 15-minute read limit (${DEFAULT_RATE_LIMITS.readFifteenMin}) lets background work spend 75 calls per quarter hour; the rest waits for the next window.`,
  ].join('\n');
  console.log(`\n${section}\n`);
  appendResults(section);
} finally {
  await stack.close();
}
