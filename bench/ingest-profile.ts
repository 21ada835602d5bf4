/**
 * Where the webhook ack's CPU goes: the web role (compiled build, or source
 * with `--tsx`) runs under `node --cpu-prof` while autocannon posts the event
 * mix of bench/lib/events.ts for `seconds`; the profile is then folded into
 * self time by package / area and by function, as text (a flame graph in
 * words: the heaviest frames, with their share of the busy CPU; folding in
 * bench/lib/cpu-profile.ts, shared with bench/cpuprofile-top.ts).
 *
 *   npx tsx bench/ingest-profile.ts [seconds=10] [connections=20] [--tsx]
 *
 * A 3 s warm-up runs first; only the samples of the measured `seconds` are
 * folded (start-up, warm-up and shutdown are left out).
 *
 * The raw `.cpuprofile` stays where the section says: open it in Chrome
 * DevTools (Performance → Load profile) or speedscope for the graph itself.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { callersOf, foldCpuProfile, monotonicUs, type ProfileWindow, topTable } from './lib/cpu-profile.js';
import { createEventFactory, forwardedFor } from './lib/events.js';
import { appendResults, describeMachine, heading, loadAverage, machineLine, table } from './lib/machine.js';
import { connectRunners, LAUNCH, positionalArgs, REPO_ROOT, startStack } from './lib/stack.js';

const SECONDS = Number(positionalArgs()[0] ?? 10);
const CONNECTIONS = Number(positionalArgs()[1] ?? 20);
const COMMAND = `npx tsx bench/ingest-profile.ts ${SECONDS} ${CONNECTIONS}`;
const TOP = 25;
const WARM_UP_S = 3;
/**
 * Suspects named in issue 19 and the middleware in front of the ack, with their inclusive
 * share whether or not they make the top rows (0 means no sample had them on the stack).
 */
const SUSPECTS = [
  'pino-http',
  'pino',
  'helmet',
  'express-rate-limit',
  'body-parser',
  'raw-body',
  'zod',
  'etag',
  'drizzle-orm',
  'pg',
  'ioredis',
  'bullmq',
  'prom-client',
  '(garbage collector)',
];

const machine = describeMachine();
const stack = await startStack();
let requests = 0;
let reqPerS = 0;
let profileDir = '';
let window: ProfileWindow | undefined;
try {
  profileDir = path.join(stack.logDir, 'cpu-profile');
  const web = await stack.startRole('web', {}, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  const subscriptionId = await stack.subscribe();
  const runners = await connectRunners(stack, 5, {
    prefix: 'Profile',
    history: { runs: 0 },
    baseline: false,
  });
  const factory = createEventFactory(
    runners.map((r) => r.athleteId),
    subscriptionId,
    1_760_000_000,
  );
  let n = 0;
  const load = (duration: number) =>
    autocannon({
      url: web.url,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/strava',
          setupRequest: (req) => {
            const i = n++;
            return {
              ...req,
              headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor(i) },
              body: factory.body(i),
            };
          },
        },
      ],
    });
  // Warm-up outside the window: start-up, module loading and the first JIT tiers are not the ack's cost.
  await load(WARM_UP_S);
  const fromUs = monotonicUs();
  const result = await load(SECONDS);
  window = { fromUs, toUs: monotonicUs() };
  requests = result['2xx'];
  reqPerS = result.requests.average;
  console.error(`${result['2xx']} acks at ${result.requests.average} req/s; stopping the web role…`);
  await web.stop();
} finally {
  await stack.close();
}

const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no .cpuprofile in ${profileDir}`);
const profileFile = path.join(profileDir, file);
if (!window) throw new Error('the load did not run');
const folded = foldCpuProfile(profileFile, REPO_ROOT, window);
const per = { count: Math.max(requests, 1), label: 'ack' };

const section = [
  heading('ingest-profile', machine),
  `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
  `Setup: ${LAUNCH} ROLE=web under \`--cpu-prof\`, autocannon ${CONNECTIONS} connections, ${WARM_UP_S} s of warm-up and then ${SECONDS} s measured (only samples inside those ${SECONDS} s are folded), event mix of bench/lib/events.ts; ${requests} acks at ${reqPerS.toFixed(0)} req/s; ${(folded.totalUs / 1e6).toFixed(2)} s sampled in the web process, ${(folded.busyUs / 1e6).toFixed(2)} s of it busy (not idle) = ${(folded.busyUs / per.count).toFixed(0)} µs of CPU per ack (GC and native code are their own rows). Shares are of the busy time.`,
  '',
  'Self time by area:',
  '',
  topTable(folded.areas, folded, TOP, per),
  '',
  'Inclusive time by area (a sample counts for every area on its stack; rows overlap):',
  '',
  topTable(folded.areasInclusive, folded, TOP, per),
  '',
  'Inclusive time of the usual suspects (issue 19; 0 = never on the stack):',
  '',
  table(
    ['area', 'share of busy CPU', 'µs per ack'],
    SUSPECTS.map((name) => {
      const us = folded.areasInclusive.find((row) => row.name === name)?.us ?? 0;
      return [`\`${name}\``, `${((100 * us) / folded.busyUs).toFixed(1)}%`, (us / per.count).toFixed(1)];
    }),
  ),
  '',
  'Where the socket writes (`writev`, the heaviest native frame) come from, nearest 3 frames outside node: and native code:',
  '',
  topTable(callersOf(profileFile, REPO_ROOT, 'writev', 3, window), folded, 8, per),
  '',
  `Heaviest functions (self time, top ${TOP}):`,
  '',
  topTable(folded.functions, folded, TOP, per),
  '',
  `Profile kept at \`${profileFile}\` (\`npx tsx bench/cpuprofile-top.ts <file> [n]\` prints it again; Chrome DevTools or speedscope draw the flame graph).`,
  `load average at the end: ${loadAverage()}`,
].join('\n');
console.log(section);
appendResults(section);
