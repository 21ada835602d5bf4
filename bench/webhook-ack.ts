/**
 * Webhook ack latency at a fixed rate (docs/webhooks.md#ack-deadline: p99 < 250 ms at
 * 200 req/s is the target; this runs 500 req/s). RampGuard runs as its own
 * process, the compiled build (or source with `--tsx`), ROLE=web, started by
 * the shared bench stack (bench/lib/stack.ts: a Postgres database of its own,
 * a private redis-server), so the load generator never shares its event loop.
 * A bare express handler that only answers 200 (bench/lib/bare-server.ts, its
 * own process) is measured in the same run, as the floor to compare against.
 *
 *   npx tsx bench/webhook-ack.ts [rate=500] [seconds=10] [--tsx]
 *
 * Every request is a unique activity create (event_time and object_id from a
 * counter) of one connected runner, with the real subscription id, sent with a
 * rotating X-Forwarded-For (TRUST_PROXY_HOPS=1) so the per-ip limit of
 * 600/min, which is meant for one Strava address, is not what gets measured.
 * Appends a dated section to bench/RESULTS.md.
 */

import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { forwardedFor } from './lib/events.js';
import { appendResults, describeMachine, heading, loadAverage, machineLine, table } from './lib/machine.js';
import {
  connectRunners,
  LAUNCH,
  positionalArgs,
  type RoleProcess,
  startBareServer,
  startStack,
} from './lib/stack.js';

const RATE = Number(positionalArgs()[0] ?? 500);
const SECONDS = Number(positionalArgs()[1] ?? 10);
/**
 * autocannon's overallRate paces every connection on the same tick, so the
 * connection count is the burst size. 10 sustains 500 req/s at these
 * latencies without turning the run into bursts of simultaneous arrivals,
 * which Strava's independent deliveries are not.
 */
const CONNECTIONS = 10;
const COMMAND = `npx tsx bench/webhook-ack.ts ${RATE} ${SECONDS}`;

const machine = describeMachine();
const stack = await startStack();
let bare: RoleProcess | undefined;
try {
  const web = await stack.startRole('web');
  const subscriptionId = await stack.subscribe();
  const [runner] = await connectRunners(stack, 1, { prefix: 'Ack', history: { runs: 0 }, baseline: false });
  if (!runner) throw new Error('no runner connected');
  bare = await startBareServer(stack.logDir);
  const inboxRows = async () => {
    const res = await stack.ctx.deps.db.execute(sql`select count(*)::int as n from webhook_inbox`);
    return (res as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
  };

  let counter = 0;
  const load = (target: RoleProcess, duration: number, overallRate: number) =>
    autocannon({
      url: target.url,
      connections: CONNECTIONS,
      duration,
      overallRate,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/strava',
          setupRequest: (req) => {
            const n = counter++;
            return {
              ...req,
              headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor(n) },
              body: `{"aspect_type":"create","event_time":${1_700_000_000 + n},"object_id":${9_007_199_254_740_993n + BigInt(n)},"object_type":"activity","owner_id":${runner.athleteId},"subscription_id":${subscriptionId},"updates":{}}`,
            };
          },
        },
      ],
    });

  // Warm-up: JIT, connection pool, prepared paths.
  await load(web, 2, 100);
  await load(bare, 2, 100);
  const rowsBefore = await inboxRows();
  const bareRun = await load(bare, SECONDS, RATE);
  const appRun = await load(web, SECONDS, RATE);
  const rowsAdded = (await inboxRows()) - rowsBefore;

  const row = (name: string, r: autocannon.Result) => [
    name,
    r.requests.average.toFixed(0),
    r.latency.p50,
    r.latency.p90,
    r.latency.p99,
    r.latency.max,
    r['2xx'],
    r.non2xx,
    r.errors + r.timeouts,
  ];
  const ratio = `ratio RampGuard/bare: p50 ×${(appRun.latency.p50 / Math.max(bareRun.latency.p50, 0.001)).toFixed(1)}, p99 ×${(appRun.latency.p99 / Math.max(bareRun.latency.p99, 0.001)).toFixed(1)}`;
  const section = [
    heading('webhook-ack', machine),
    '',
    `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
    `Setup: RampGuard as ${LAUNCH} ROLE=web (Postgres database of its own, private redis-server with AOF everysec), one runner connected through the simulator's OAuth, the real subscription id; the bare handler is its own express process. autocannon, fixed overall rate ${RATE} req/s for ${SECONDS} s, ${CONNECTIONS} connections, unique activity creates.`,
    '',
    table(
      ['target', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', '2xx', 'non-2xx', 'errors+timeouts'],
      [row('bare express 200', bareRun), row('RampGuard POST /webhooks/strava', appRun)],
    ),
    '',
    ratio,
    '',
    `inbox rows written during the measured runs: ${rowsAdded} (2xx answered by RampGuard: ${appRun['2xx']})`,
  ].join('\n');
  console.log(`\n${section}\n`);
  console.error(`load average at the end: ${loadAverage()}`);
  appendResults(section);
} finally {
  await bare?.stop();
  await stack.close();
}
