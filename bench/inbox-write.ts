/**
 * The durable half of the webhook ack in isolation: `recordStravaEvent` (the
 * inbox row, committed) at 1, 10 and 50 concurrent events, in-process, with a
 * pool of 10 like the web role. With `--baseline <git-rev>` the same loop runs
 * that revision's `src/app/webhook/record-strava-event.ts` too, interleaved
 * (baseline, current, baseline, current) so background load falls on both.
 *
 *   npx tsx bench/inbox-write.ts [--baseline ec1d887] [--seconds 4]
 *
 * The baseline file is copied next to this script for the run (imports
 * rewritten to the current tree) and deleted afterwards.
 */
import { execSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AppDeps } from '../src/app/deps.js';
import { recordStravaEvent } from '../src/app/webhook/record-strava-event.js';
import type { StravaEvent } from '../src/app/webhook/strava-event.js';
import { openDatabase } from '../src/db/client.js';
import { parseEventBody } from '../src/http/strava-webhook/parse-event-body.js';
import { silentLogger } from '../test/helpers/logger.js';
import { createEventFactory } from './lib/events.js';
import { appendResults, describeMachine, heading, machineLine, summarize, table } from './lib/machine.js';
import { connectRunners, startStack } from './lib/stack.js';

type Record = (deps: AppDeps, event: StravaEvent) => Promise<unknown>;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { baseline: { type: 'string' }, seconds: { type: 'string' } },
});
const SECONDS = Number(values.seconds ?? 4);
const CONCURRENCY = [1, 10, 50];
const COMMAND = `npx tsx bench/inbox-write.ts${values.baseline ? ` --baseline ${values.baseline}` : ''} --seconds ${SECONDS}`;
const here = path.dirname(fileURLToPath(import.meta.url));
const baselineFile = path.join(here, '.baseline-record-strava-event.ts');

async function loadBaseline(rev: string): Promise<Record> {
  if (!/^[\w.^~-]+$/.test(rev)) throw new Error(`not a git revision: ${rev}`);
  const source = execSync(`git show ${rev}:src/app/webhook/record-strava-event.ts`, {
    encoding: 'utf8',
  }).replace(/from '(\.\.\/\.\.\/|\.\.\/|\.\/)/g, (_m, prefix: string) => {
    const target = { '../../': '../src/', '../': '../src/app/', './': '../src/app/webhook/' }[prefix];
    return `from '${target}`;
  });
  writeFileSync(baselineFile, source);
  const module = (await import(baselineFile)) as { recordStravaEvent: Record };
  return module.recordStravaEvent;
}

const machine = describeMachine();
const stack = await startStack();
const database = openDatabase({
  databaseUrl: stack.ctx.database.url,
  dataDir: '/nonexistent',
  logger: silentLogger,
});
try {
  const baseline = values.baseline ? await loadBaseline(values.baseline) : undefined;
  const runners = await connectRunners(stack, 5, { prefix: 'Inbox', history: { runs: 0 }, baseline: false });
  const factory = createEventFactory(
    runners.map((r) => r.athleteId),
    '777',
    1_770_000_000,
  );
  const deps: AppDeps = {
    ...stack.ctx.deps,
    db: database.db,
    config: { ...stack.ctx.deps.config, strava: { ...stack.ctx.deps.config.strava, subscriptionId: '777' } },
  };
  let n = 0;
  const measure = async (record: Record, concurrency: number) => {
    const latencies: number[] = [];
    const end = performance.now() + SECONDS * 1_000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const parsed = parseEventBody(factory.body(n++));
          if (!parsed.ok) throw new Error(parsed.message);
          const start = performance.now();
          await record(deps, parsed.event);
          latencies.push(performance.now() - start);
        }
      }),
    );
    return { perS: latencies.length / SECONDS, ...summarize(latencies) };
  };
  const versions: [string, Record][] = [
    ...(baseline ? [[`baseline ${values.baseline}`, baseline] as [string, Record]] : []),
    ['current (group commit)', recordStravaEvent],
  ];
  const rows: (string | number)[][] = [];
  for (const concurrency of CONCURRENCY) {
    for (let round = 1; round <= 2; round++) {
      for (const [name, record] of versions) {
        console.error(`${name}, ${concurrency} concurrent, round ${round}…`);
        const r = await measure(record, concurrency);
        rows.push([name, concurrency, round, r.perS.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2)]);
      }
    }
  }
  const section = [
    heading('inbox-write', machine),
    '',
    `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
    `Setup: \`recordStravaEvent\` in-process (subscription check, event key, inbox insert committed), Postgres database of its own, pool of 10 (as the web role), event mix of bench/lib/events.ts, ${SECONDS} s per cell, versions interleaved.`,
    '',
    table(['version', 'concurrent events', 'round', 'events/s', 'p50 ms', 'p99 ms'], rows),
  ].join('\n');
  console.log(`\n${section}\n`);
  appendResults(section);
} finally {
  rmSync(baselineFile, { force: true });
  await database.close();
  await stack.close();
}
