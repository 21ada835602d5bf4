/**
 * Webhook ingest (issue 9): the durable ack of `POST /webhooks/strava` next to
 * a bare express handler that only answers 200, measured in the same run.
 *
 *   npx tsx bench/webhook-ingest.ts [seconds=10] [rate=1000]
 *
 * - Max throughput: autocannon without a rate limit, `seconds` per run, runs
 *   ordered app, bare, bare, app so drifting background load falls on both.
 * - Latency at a fixed `rate`: autocannon `overallRate` (what the issue asks
 *   for), and an open-loop generator (bench/lib/open-loop.ts) that sends each
 *   request at its due time and counts latency from then.
 *
 * The app is the real entry point (compiled build by default, `--tsx` for source; ROLE=web)
 * against a fresh Postgres database and a private redis-server (AOF
 * everysec), with five runners connected through the simulator's OAuth and
 * the subscription created through the simulator (so `subscription_id` and
 * `owner_id` are real). The event mix is bench/lib/events.ts (80% creates,
 * updates, deletes, athlete events), each a new inbox row. bench/webhook-ack.ts
 * (another engineer's) measures the same ack at 200–500 req/s with creates only.
 * After every app run the inbox row count is checked against the 2xx answers:
 * each 200 must stand for a committed row.
 */

import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createEventFactory, forwardedFor } from './lib/events.js';
import {
  appendResults,
  describeMachine,
  heading,
  loadAverage,
  machineLine,
  summarize,
  table,
} from './lib/machine.js';
import { openLoop } from './lib/open-loop.js';
import {
  connectRunners,
  cpuSeconds,
  LAUNCH,
  positionalArgs,
  type RoleProcess,
  startBareServer,
  startStack,
} from './lib/stack.js';

const SECONDS = Number(positionalArgs()[0] ?? 10);
const RATE = Number(positionalArgs()[1] ?? 1_000);
/** Unrated runs: enough connections to saturate either target on two cores. */
const MAX_CONNECTIONS = 50;
/** Rated autocannon: each connection gets rate/connections requests a second. */
const RATED_CONNECTIONS = 20;
const COMMAND = `npx tsx bench/webhook-ingest.ts ${SECONDS} ${RATE}`;

type Row = {
  name: string;
  reqPerS: number;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  bad: number;
  targetCpu: number;
};

const machine = describeMachine();
const stack = await startStack();
let bare: RoleProcess | undefined;
try {
  const web = await stack.startRole('web');
  const subscriptionId = await stack.subscribe();
  const runners = await connectRunners(stack, 5, { prefix: 'Ingest', history: { runs: 0 }, baseline: false });
  bare = await startBareServer(stack.logDir);
  const factory = createEventFactory(
    runners.map((r) => r.athleteId),
    subscriptionId,
    1_750_000_000,
  );
  const kinds = new Map<string, number>();
  let counter = 0;
  const inboxRows = async () => {
    const res = await stack.ctx.deps.db.execute(sql`select count(*)::int as n from webhook_inbox`);
    return (res as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
  };

  const cannon = async (
    target: RoleProcess,
    duration: number,
    overallRate?: number,
  ): Promise<Row & { raw: autocannon.Result }> => {
    const cpuBefore = cpuSeconds(target.pid);
    const raw = await autocannon({
      url: target.url,
      connections: overallRate ? RATED_CONNECTIONS : MAX_CONNECTIONS,
      duration,
      ...(overallRate ? { overallRate } : {}),
      requests: [
        {
          method: 'POST',
          path: '/webhooks/strava',
          setupRequest: (req) => {
            const n = counter++;
            const kind = factory.kind(n);
            kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
            return {
              ...req,
              headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor(n) },
              body: factory.body(n),
            };
          },
        },
      ],
    });
    return {
      name: '',
      reqPerS: raw.requests.average,
      p50: raw.latency.p50,
      p99: raw.latency.p99,
      max: raw.latency.max,
      ok: raw['2xx'],
      bad: raw.non2xx + raw.errors + raw.timeouts,
      targetCpu: (cpuSeconds(target.pid) - cpuBefore) / duration,
      raw,
    };
  };
  const checked = async <T extends { ok: number }>(run: () => Promise<T>) => {
    const before = await inboxRows();
    const result = await run();
    const rows = (await inboxRows()) - before;
    return { ...result, rows };
  };

  console.error('warm-up…');
  await cannon(web, 3);
  await cannon(bare, 3);

  console.error(`max throughput, ${SECONDS} s per run (app, bare, bare, app)…`);
  const app1 = await checked(() => cannon(web, SECONDS));
  const bare1 = await cannon(bare, SECONDS);
  const bare2 = await cannon(bare, SECONDS);
  const app2 = await checked(() => cannon(web, SECONDS));
  const appMax = (app1.reqPerS + app2.reqPerS) / 2;
  const bareMax = (bare1.reqPerS + bare2.reqPerS) / 2;
  const ratio = appMax / bareMax;

  console.error(`autocannon overallRate ${RATE}/s, ${SECONDS} s each…`);
  const bareRated = await cannon(bare, SECONDS, RATE);
  const appRated = await checked(() => cannon(web, SECONDS, RATE));

  console.error(`open loop ${RATE}/s, ${SECONDS} s each…`);
  const open = async (target: RoleProcess) => {
    const cpuBefore = cpuSeconds(target.pid);
    const offset = counter;
    counter += RATE * SECONDS;
    const r = await openLoop({
      url: target.url,
      path: '/webhooks/strava',
      rate: RATE,
      durationS: SECONDS,
      offset,
      body: (n) => factory.body(n),
      headers: (n) => ({ 'x-forwarded-for': forwardedFor(n) }),
    });
    const lat = summarize(r.latencies);
    const lag = summarize(r.sendLags);
    return {
      reqPerS: r.sent / r.elapsedS,
      p50: lat.p50,
      p99: lat.p99,
      max: lat.max,
      ok: r.ok,
      bad: r.non2xx + r.errors,
      lagP99: lag.p99,
      targetCpu: (cpuSeconds(target.pid) - cpuBefore) / r.elapsedS,
    };
  };
  const bareOpen = await open(bare);
  const appOpen = await checked(() => open(web));

  const ms = (x: number) => x.toFixed(1);
  const cpu = (x: number) => `${(x * 100).toFixed(0)}%`;
  const throughputTable = table(
    ['run', 'target', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'non-2xx+errors', 'inbox rows added', 'target CPU'],
    [
      [
        '1',
        'RampGuard (durable ack)',
        app1.reqPerS.toFixed(0),
        app1.p50,
        app1.p99,
        app1.ok,
        app1.bad,
        app1.rows,
        cpu(app1.targetCpu),
      ],
      [
        '2',
        'bare express 200',
        bare1.reqPerS.toFixed(0),
        bare1.p50,
        bare1.p99,
        bare1.ok,
        bare1.bad,
        '–',
        cpu(bare1.targetCpu),
      ],
      [
        '3',
        'bare express 200',
        bare2.reqPerS.toFixed(0),
        bare2.p50,
        bare2.p99,
        bare2.ok,
        bare2.bad,
        '–',
        cpu(bare2.targetCpu),
      ],
      [
        '4',
        'RampGuard (durable ack)',
        app2.reqPerS.toFixed(0),
        app2.p50,
        app2.p99,
        app2.ok,
        app2.bad,
        app2.rows,
        cpu(app2.targetCpu),
      ],
    ],
  );
  const latencyTable = table(
    [
      'generator',
      'target',
      'req/s sent',
      'p50 ms',
      'p99 ms',
      'max ms',
      '2xx',
      'non-2xx+errors',
      'inbox rows added',
      'target CPU',
    ],
    [
      [
        'autocannon -R',
        'bare express 200',
        bareRated.reqPerS.toFixed(0),
        bareRated.p50,
        bareRated.p99,
        bareRated.max,
        bareRated.ok,
        bareRated.bad,
        '–',
        cpu(bareRated.targetCpu),
      ],
      [
        'autocannon -R',
        'RampGuard (durable ack)',
        appRated.reqPerS.toFixed(0),
        appRated.p50,
        appRated.p99,
        appRated.max,
        appRated.ok,
        appRated.bad,
        appRated.rows,
        cpu(appRated.targetCpu),
      ],
      [
        'open loop',
        'bare express 200',
        bareOpen.reqPerS.toFixed(0),
        ms(bareOpen.p50),
        ms(bareOpen.p99),
        ms(bareOpen.max),
        bareOpen.ok,
        bareOpen.bad,
        '–',
        cpu(bareOpen.targetCpu),
      ],
      [
        'open loop',
        'RampGuard (durable ack)',
        appOpen.reqPerS.toFixed(0),
        ms(appOpen.p50),
        ms(appOpen.p99),
        ms(appOpen.max),
        appOpen.ok,
        appOpen.bad,
        appOpen.rows,
        cpu(appOpen.targetCpu),
      ],
    ],
  );
  const sent = [...kinds.values()].reduce((a, b) => a + b, 0);
  const mix = [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${((v / sent) * 100).toFixed(1)}%`)
    .join(', ');
  const verdictRatio = ratio >= 0.75 ? 'met' : 'missed';
  const verdictP99 = appOpen.p99 <= 20 && appRated.p99 <= 20 ? 'met' : 'missed';
  const section = [
    heading('webhook-ingest', machine),
    '',
    `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
    `Setup: RampGuard as ${LAUNCH} ROLE=web (Postgres database of its own, private redis-server with AOF everysec), 5 runners connected through the simulator's OAuth, the real subscription id; the bare handler is its own express process. Generator in the bench process (same 2 cores, with Postgres and Redis). Event mix (autocannon runs): ${mix}.`,
    '',
    `Max throughput (autocannon, no rate limit, ${MAX_CONNECTIONS} connections, ${SECONDS} s per run):`,
    '',
    throughputTable,
    '',
    `Throughput ratio RampGuard/bare: ${appMax.toFixed(0)} / ${bareMax.toFixed(0)} req/s = **${ratio.toFixed(2)}** (target ≥ 0.75: ${verdictRatio}).`,
    '',
    `Latency at ${RATE} events/s (${SECONDS} s each; autocannon with ${RATED_CONNECTIONS} connections; open loop = each request sent at its due time, latency from the due time, generator send lag p99 bare ${ms(bareOpen.lagP99)} ms / app ${ms(appOpen.lagP99)} ms):`,
    '',
    latencyTable,
    '',
    `p99 at ${RATE}/s: autocannon ${appRated.p99} ms, open loop ${ms(appOpen.p99)} ms (target ≤ 20 ms: ${verdictP99}). Every 2xx had its inbox row: ${[app1, app2, appRated, appOpen].every((r) => r.rows >= r.ok) ? 'yes' : 'NO'}.`,
  ].join('\n');
  console.log(`\n${section}\n`);
  console.error(`load average at the end: ${loadAverage()}`);
  appendResults(section);
} finally {
  await bare?.stop();
  await stack.close();
}
