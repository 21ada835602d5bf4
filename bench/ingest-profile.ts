/**
 * Where the webhook ack's CPU goes: the web role (compiled build, or source
 * with `--tsx`) runs under `node --cpu-prof` while autocannon posts the event
 * mix of bench/lib/events.ts for `seconds`; the profile is then folded into
 * self time by package / area and by function, as text (a flame graph in
 * words: the heaviest frames, with their share of the sampled CPU).
 *
 *   npx tsx bench/ingest-profile.ts [seconds=10] [connections=20]
 *
 * The raw `.cpuprofile` stays in the printed directory: open it in Chrome
 * DevTools (Performance → Load profile) or speedscope for the graph itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { createEventFactory, forwardedFor } from './lib/events.js';
import { appendResults, describeMachine, heading, loadAverage, machineLine, table } from './lib/machine.js';
import { connectRunners, LAUNCH, positionalArgs, REPO_ROOT, startStack } from './lib/stack.js';

const SECONDS = Number(positionalArgs()[0] ?? 10);
const CONNECTIONS = Number(positionalArgs()[1] ?? 20);
const COMMAND = `npx tsx bench/ingest-profile.ts ${SECONDS} ${CONNECTIONS}`;
const TOP = 25;

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const machine = describeMachine();
const stack = await startStack();
let requests = 0;
let profileDir = '';
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
  const result = await autocannon({
    url: web.url,
    connections: CONNECTIONS,
    duration: SECONDS,
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
  requests = result['2xx'];
  console.error(`${result['2xx']} acks at ${result.requests.average} req/s; stopping the web role…`);
  await web.stop();
} finally {
  await stack.close();
}

const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no .cpuprofile in ${profileDir}`);
const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;

const selfUs = new Map<number, number>();
for (const [i, id] of profile.samples.entries())
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const byNode = new Map(profile.nodes.map((node) => [node.id, node]));

/** node_modules/<pkg> (scoped too), our own src/ folders, or the runtime. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg?.[1]) return pkg[1];
  const own = url.match(/\/(?:src|dist)\/(.+?)\/[^/]+$/);
  if (own?.[1]) return `rampguard ${own[1]}`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node ').split('/')[0] ?? url;
  return path.relative(REPO_ROOT, url.replace(/^file:\/\//, ''));
}

const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byNode.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const area = areaOf(url, functionName);
  areas.set(area, (areas.get(area) ?? 0) + us);
  const where = url ? `${path.basename(url)}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where} [${area}]`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
const top = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(
      ([name, us]) =>
        [name.replace(/\|/g, '\\|'), pct(us), (us / Math.max(requests, 1)) | 0 || '<1'] as const,
    );

const section = [
  heading('ingest-profile', machine),
  `Command: \`${COMMAND}\`. ${machineLine(machine)}`,
  `Setup: ${LAUNCH} ROLE=web under \`--cpu-prof\`, autocannon ${CONNECTIONS} connections for ${SECONDS} s, event mix of bench/lib/events.ts; ${requests} acks; ${(total / 1e6).toFixed(2)} s of sampled CPU in the web process = ${(total / Math.max(requests, 1)).toFixed(0)} µs per ack (idle and GC included as their own rows).`,
  '',
  'Self time by area:',
  '',
  table(['area', 'share', 'µs per ack'], top(areas)),
  '',
  `Heaviest functions (self time, top ${TOP}):`,
  '',
  table(['function', 'share', 'µs per ack'], top(functions)),
  '',
  `load average at the end: ${loadAverage()}`,
].join('\n');
console.log(section);
appendResults(section);
