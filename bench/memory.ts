/**
 * Memory under load (issue 9, docs/reliability-rules.md#bounded-redis-memory): RSS of the web and worker
 * processes and Redis `used_memory` while 100,000 webhook events go through.
 *
 *   npx tsx bench/memory.ts [events=100000] [rate=150] [runners=10]
 *
 * RampGuard runs as the compiled build (or source with --tsx: bench/lib/stack.ts) ROLE=web and ROLE=worker
 * (Postgres database of its own, private redis-server with AOF everysec,
 * simulator in the bench process). The events (bench/lib/events.ts mix:
 * creates, updates, deletes, forged deauthorizations; each a new inbox row)
 * are posted open-loop at a steady `rate` for `runners` connected runners, so
 * the worker processes every one of them (coalesced analyses read the
 * simulator). VmRSS comes from /proc/<pid>/status; Redis from INFO memory.
 * Samples: before the load, after 50k, after 100k, and once the queues have
 * drained; a trace every 10 s is printed too.
 */
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { createEventFactory, forwardedFor } from './lib/events.js';
import {
  appendResults,
  describeMachine,
  heading,
  machineLine,
  sleep,
  summarize,
  table,
} from './lib/machine.js';
import { openLoop } from './lib/open-loop.js';
import {
  connectRunners,
  LAUNCH,
  pendingJobs,
  positionalArgs,
  startStack,
  waitForQuiet,
} from './lib/stack.js';

const EVENTS = Number(positionalArgs()[0] ?? 100_000);
const RATE = Number(positionalArgs()[1] ?? 150);
const RUNNERS = Number(positionalArgs()[2] ?? 10);
const COMMAND = `npx tsx bench/memory.ts ${EVENTS} ${RATE} ${RUNNERS}`;

const machine = describeMachine();
const stack = await startStack();
const redis = new Redis(stack.redis.url, { maxRetriesPerRequest: 1 });
try {
  const web = await stack.startRole('web');
  const worker = await stack.startRole('worker');
  const subscriptionId = await stack.subscribe();
  const runners = await connectRunners(stack, RUNNERS, {
    prefix: 'Memory',
    history: { runs: 20, everyDays: 2, lastDaysAgo: 4 },
  });
  const factory = createEventFactory(
    runners.map((r) => r.athleteId),
    subscriptionId,
    1_760_000_000,
  );
  const usedMemory = async () =>
    Number((await redis.info('memory')).match(/used_memory:(\d+)/)?.[1] ?? Number.NaN);
  type Sample = {
    label: string;
    atS: number;
    webKb: number;
    workerKb: number;
    redisBytes: number;
    backlog: number;
  };
  const started = Date.now();
  const sample = async (label: string): Promise<Sample> => {
    const pending = await pendingJobs(stack);
    return {
      label,
      atS: (Date.now() - started) / 1_000,
      webKb: web.rssKb(),
      workerKb: worker.rssKb(),
      redisBytes: await usedMemory(),
      backlog: (pending.events ?? 0) + (pending.analysis ?? 0),
    };
  };

  // A short warm-up so "start" is a process that has served requests, not a cold one.
  await openLoop({
    url: web.url,
    path: '/webhooks/strava',
    rate: 100,
    durationS: 2,
    body: (n) => factory.body(n),
    headers: (n) => ({ 'x-forwarded-for': forwardedFor(n) }),
    offset: 10_000_000,
  });
  await waitForQuiet(stack, 60_000);
  const samples: Sample[] = [await sample('start (after 200 warm-up events)')];
  const trace: Sample[] = [];
  let tracing = true;
  const tracer = (async () => {
    while (tracing) {
      await sleep(10_000);
      if (tracing) trace.push(await sample('trace'));
    }
  })();

  const half = Math.floor(EVENTS / 2);
  const post = (count: number, offset: number) =>
    openLoop({
      url: web.url,
      path: '/webhooks/strava',
      rate: RATE,
      durationS: count / RATE,
      offset,
      body: (n) => factory.body(n),
      headers: (n) => ({ 'x-forwarded-for': forwardedFor(n) }),
    });
  console.error(`posting ${EVENTS} events at ${RATE}/s…`);
  const first = await post(half, 0);
  samples.push(await sample(`after ${half.toLocaleString('en')} events`));
  const second = await post(EVENTS - half, half);
  samples.push(await sample(`after ${EVENTS.toLocaleString('en')} events`));
  const postedS = (Date.now() - started) / 1_000;
  console.error('draining…');
  await waitForQuiet(stack, 300_000);
  samples.push(await sample('drained (queues empty)'));
  tracing = false;
  await tracer;

  const lat = summarize([...first.latencies, ...second.latencies]);
  const ok = first.ok + second.ok;
  const bad = first.non2xx + first.errors + second.non2xx + second.errors;
  const mb = (kb: number) => (kb / 1_024).toFixed(1);
  const mib = (bytes: number) => (bytes / 1_048_576).toFixed(2);
  const inbox = (await stack.ctx.deps.db.execute(
    sql`select status, count(*)::int as n from webhook_inbox group by status order by status`,
  )) as unknown as { rows: { status: string; n: number }[] };
  const section = [
    heading('memory', machine),
    '',
    `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
    `Setup: ${LAUNCH} ROLE=web and ROLE=worker (separate processes), Postgres database of its own, private redis-server (AOF everysec, noeviction), simulator in the bench process; ${RUNNERS} runners; ${EVENTS.toLocaleString('en')} events (mix of bench/lib/events.ts) posted open-loop at ${RATE}/s, every one processed by the worker. Posting took ${postedS.toFixed(0)} s; acks: ${ok} 2xx, ${bad} other; ack latency p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms.`,
    '',
    table(
      [
        'when',
        't (s)',
        'web RSS MiB',
        'worker RSS MiB',
        'Redis used_memory MiB',
        'jobs waiting (events+analysis)',
      ],
      samples.map((s) => [
        s.label,
        s.atS.toFixed(0),
        mb(s.webKb),
        mb(s.workerKb),
        mib(s.redisBytes),
        s.backlog,
      ]),
    ),
    '',
    `Trace every 10 s (web / worker RSS MiB, Redis MiB, backlog): ${trace.map((s) => `${s.atS.toFixed(0)} s ${mb(s.webKb)}/${mb(s.workerKb)}/${mib(s.redisBytes)}/${s.backlog}`).join('; ')}.`,
    '',
    `Inbox rows by status at the end: ${inbox.rows.map((r) => `${r.status} ${r.n}`).join(', ')}.`,
  ].join('\n');
  console.log(`\n${section}\n`);
  appendResults(section);
} finally {
  redis.disconnect();
  await stack.close();
}
