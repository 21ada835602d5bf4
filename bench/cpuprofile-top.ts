/**
 * The heaviest frames of a V8 CPU profile, as text: self time by area
 * (package, our own folder, runtime), inclusive time by area, and the top
 * functions by self time (bench/lib/cpu-profile.ts).
 *
 *   npx tsx bench/cpuprofile-top.ts <file.cpuprofile | directory> [n=15] [--per-ack=<acks>] [--callers=<function>]
 *
 * A directory means the newest `.cpuprofile` in it (what `--cpu-prof-dir`
 * writes). `--per-ack=<acks>` adds a µs-per-ack column. `--callers=<function>`
 * adds where a hot native frame's time comes from (e.g. `--callers=writev`:
 * the JS call paths, nearest 3 frames outside node's own modules). Prints only; nothing is
 * appended to RESULTS.md (bench/ingest-profile.ts records its own profile).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callersOf, foldCpuProfile, topTable } from './lib/cpu-profile.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith('--'));
const target = positional[0];
if (!target) {
  console.error(
    'usage: npx tsx bench/cpuprofile-top.ts <file.cpuprofile | directory> [n=15] [--per-ack=<acks>]',
  );
  process.exit(2);
}
const n = Number(positional[1] ?? 15);
const callers = args.find((a) => a.startsWith('--callers='))?.split('=')[1];
const acks = Number(args.find((a) => a.startsWith('--per-ack='))?.split('=')[1] ?? 0);

function newestProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`no .cpuprofile in ${dir}`);
  return files[0];
}

const file = statSync(target).isDirectory() ? newestProfile(target) : target;
const folded = foldCpuProfile(file, REPO_ROOT);
const per = acks > 0 ? { count: acks, label: 'ack' } : undefined;
console.log(
  [
    `Profile: ${file}`,
    `Sampled ${(folded.totalUs / 1e6).toFixed(2)} s, busy (not idle) ${(folded.busyUs / 1e6).toFixed(2)} s${per ? `, ${per.count} acks = ${(folded.busyUs / per.count).toFixed(0)} µs of busy CPU per ack` : ''}.`,
    '',
    'Self time by area:',
    '',
    topTable(folded.areas, folded, n, per),
    '',
    'Inclusive time by area (a sample counts for every area on its stack; rows overlap):',
    '',
    topTable(folded.areasInclusive, folded, n, per),
    '',
    `Top ${n} functions by self time:`,
    '',
    topTable(folded.functions, folded, n, per),
    ...(callers
      ? [
          '',
          `Where \`${callers}\` is called from (nearest 3 frames outside node: and native code):`,
          '',
          topTable(callersOf(file, REPO_ROOT, callers, 3), folded, n, per),
        ]
      : []),
  ].join('\n'),
);
