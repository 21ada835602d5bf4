/**
 * Webhook ack latency at a fixed rate (docs/webhooks.md#ack-deadline: p99 < 250 ms at
 * 200 req/s is the target; this runs 500 req/s). The app runs in a forked
 * child (ROLE=web, real Postgres test database, the machine's Redis with a
 * unique queue prefix) so the load generator never shares its event loop.
 * A bare express handler that only answers 200 is measured in the same run,
 * on the same child, as the floor to compare against.
 *
 *   npx tsx bench/webhook-ack.ts [rate=500] [seconds=10]
 *
 * Every request is a unique event (event_time and object_id from a counter),
 * sent with a rotating X-Forwarded-For (TRUST_PROXY_HOPS=1) so the per-ip
 * limit of 600/min, which is meant for one Strava address, is not what gets
 * measured. Appends a dated section to bench/RESULTS.md.
 */
import { execSync, fork } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import { runners, webhookInbox } from '../src/db/schema/index.js';
import { startTestApp, testEnv } from '../test/helpers/app.js';
import { createTestDatabase } from '../test/helpers/db.js';

const SUBSCRIPTION = '120475';
/**
 * autocannon's overallRate paces every connection on the same tick, so the
 * connection count is the burst size. 10 sustains 500 req/s at these
 * latencies without turning the run into bursts of simultaneous arrivals,
 * which Strava's independent deliveries are not.
 */
const CONNECTIONS = 10;
const ATHLETE = '31337';

type Targets = { appUrl: string; bareUrl: string };

if (process.argv.includes('--target')) await serveTargets();
else await runBench();

/** Child process: the RampGuard web role and the bare handler, on ephemeral ports. */
async function serveTargets(): Promise<void> {
  const app = await startTestApp(
    testEnv({
      DATABASE_URL: process.env.BENCH_DATABASE_URL,
      ROLE: 'web',
      STRAVA_SUBSCRIPTION_ID: SUBSCRIPTION,
      TRUST_PROXY_HOPS: '1',
    }),
  );
  const bare = express();
  bare.post('/webhooks/strava', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const port = (bareServer.address() as { port: number }).port;
  process.send?.({ appUrl: app.url, bareUrl: `http://127.0.0.1:${port}` } satisfies Targets);
  process.on('message', async (msg) => {
    if (msg !== 'stop') return;
    bareServer.close();
    await app.deps.queues.events.obliterate({ force: true }).catch(() => undefined);
    await app.stop();
    process.exit(0);
  });
}

async function runBench(): Promise<void> {
  const rate = Number(process.argv.filter((a) => !a.startsWith('--'))[2] ?? 500);
  const seconds = Number(process.argv.filter((a) => !a.startsWith('--'))[3] ?? 10);
  const database = await createTestDatabase();
  await database.db.insert(runners).values({ athleteId: ATHLETE });
  const child = fork(fileURLToPath(import.meta.url), ['--target'], {
    env: { ...process.env, BENCH_DATABASE_URL: database.url },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const targets = await new Promise<Targets>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Targets));
      child.once('exit', (code) => reject(new Error(`target exited early (${code})`)));
    });
    let counter = 0;
    const load = (url: string, duration: number, overallRate: number) =>
      autocannon({
        url,
        connections: CONNECTIONS,
        duration,
        overallRate,
        requests: [
          {
            method: 'POST',
            path: '/webhooks/strava',
            setupRequest: (req) => {
              counter++;
              return {
                ...req,
                headers: {
                  'content-type': 'application/json',
                  'x-forwarded-for': `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}`,
                },
                body: `{"aspect_type":"create","event_time":${1_700_000_000 + counter},"object_id":${9_007_199_254_740_993n + BigInt(counter)},"object_type":"activity","owner_id":${ATHLETE},"subscription_id":${SUBSCRIPTION},"updates":{}}`,
              };
            },
          },
        ],
      });

    // Warm-up: JIT, connection pool, prepared paths.
    await load(targets.appUrl, 2, 100);
    await load(targets.bareUrl, 2, 100);
    const rowsBefore = (await database.db.select({ id: webhookInbox.id }).from(webhookInbox)).length;
    const bare = await load(targets.bareUrl, seconds, rate);
    const app = await load(targets.appUrl, seconds, rate);
    const rowsAfter = (await database.db.select({ id: webhookInbox.id }).from(webhookInbox)).length;

    const line = (name: string, r: autocannon.Result) =>
      `| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p90} | ${r.latency.p99} | ${r.latency.max} | ${r['2xx']} | ${r.non2xx} | ${r.errors + r.timeouts} |`;
    const loadAvg = os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
    const table = [
      '| target | req/s | p50 ms | p90 ms | p99 ms | max ms | 2xx | non-2xx | errors+timeouts |',
      '|---|---|---|---|---|---|---|---|---|',
      line('bare express 200', bare),
      line('RampGuard POST /webhooks/strava', app),
    ].join('\n');
    const ratio = `ratio RampGuard/bare: p50 ×${(app.latency.p50 / Math.max(bare.latency.p50, 0.001)).toFixed(1)}, p99 ×${(app.latency.p99 / Math.max(bare.latency.p99, 0.001)).toFixed(1)}`;
    const recorded = `inbox rows written during the measured run: ${rowsAfter - rowsBefore} (2xx answered: ${app['2xx']})`;
    console.log(`\n${table}\n\n${ratio}\n${recorded}\nload average during run: ${loadAvg}`);

    const cpu =
      readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/)?.[1] ??
      os.cpus()[0]?.model ??
      'unknown';
    const section = [
      '',
      `## webhook-ack — ${execSync('date -u').toString().trim()}`,
      '',
      `\`npx tsx bench/webhook-ack.ts ${rate} ${seconds}\`: autocannon, fixed overall rate ${rate} req/s for ${seconds} s, ${CONNECTIONS} connections, unique events, app in a forked child (ROLE=web, Postgres test database, Redis).`,
      `Machine: nproc ${os.availableParallelism()}, node ${process.version}, CPU ${cpu}; load average at the end ${loadAvg}.`,
      '',
      table,
      '',
      ratio,
      '',
      recorded,
      '',
    ].join('\n');
    if (!existsSync('bench/RESULTS.md')) appendFileSync('bench/RESULTS.md', '# Benchmark results\n');
    appendFileSync('bench/RESULTS.md', section);
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    await database.drop();
  }
}
