/**
 * Folds a V8 `.cpuprofile` (what `node --cpu-prof` writes) into self time per
 * function and per area (a node_modules package, a folder of our own src/ or
 * dist/, a node: module, or a V8 pseudo-frame such as `(garbage collector)`).
 * Self time is what a frame spent itself, callees excluded: the rows add up to
 * the whole profile. `(idle)` is the event loop waiting, so shares are given
 * of the busy time (everything but idle) as well as of all samples.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { table } from './machine.js';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };

/**
 * A window in the profile's clock: µs of CLOCK_MONOTONIC, the clock of
 * `process.hrtime` in any process on the machine (`monotonicUs()`).
 */
export type ProfileWindow = { fromUs: number; toUs: number };

/** Now, in the clock V8 stamps profile samples with (Linux: CLOCK_MONOTONIC, as process.hrtime). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export type SelfTimeRow = { name: string; us: number };

export type FoldedProfile = {
  /** All sampled time, idle included, in µs. */
  totalUs: number;
  /** Sampled time outside `(idle)`, in µs. */
  busyUs: number;
  /** Heaviest first. */
  areas: SelfTimeRow[];
  functions: SelfTimeRow[];
  /**
   * Inclusive time per area: samples with at least one frame of the area on
   * the stack (e.g. `pino-http` with the pino and serializer work it calls).
   * Areas nest, so these rows do not add up.
   */
  areasInclusive: SelfTimeRow[];
};

/** node_modules/<pkg> (scoped too), our own src/ or dist/ folders, node: modules, or the runtime. */
export function areaOf(url: string, functionName: string, repoRoot: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg?.[1]) return pkg[1];
  const own = url.match(/\/(?:src|dist)\/(.+?)\/[^/]+$/);
  if (own?.[1]) return `rampguard ${own[1]}`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node ').split('/')[0] ?? url;
  return path.relative(repoRoot, url.replace(/^file:\/\//, ''));
}

/** Folds the whole profile, or only the samples taken inside `window` (e.g. the load, not the start-up). */
export function foldCpuProfile(file: string, repoRoot: string, window?: ProfileWindow): FoldedProfile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byNode.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    totalUs += us;
    if (functionName === '(idle)') idleUs += us;
    const area = areaOf(url, functionName, repoRoot);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = url ? ` ${path.basename(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${where} [${area}]`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byNode.get(at)?.callFrame;
      if (frame && frame.functionName !== '(root)') seen.add(areaOf(frame.url, frame.functionName, repoRoot));
    }
    for (const area of seen) inclusive.set(area, (inclusive.get(area) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m.entries()].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us);
  return {
    totalUs,
    busyUs: totalUs - idleUs,
    areas: sorted(areas),
    functions: sorted(functions),
    areasInclusive: sorted(inclusive),
  };
}

/**
 * The `n` heaviest rows as a markdown table: share of busy time, share of all
 * samples, and µs per unit when `per` is given (e.g. per ack).
 */
export function topTable(
  rows: readonly SelfTimeRow[],
  folded: Pick<FoldedProfile, 'totalUs' | 'busyUs'>,
  n: number,
  per?: { count: number; label: string },
): string {
  const pct = (us: number, of: number) => `${((100 * us) / Math.max(of, 1)).toFixed(1)}%`;
  const headers = ['#', 'self time in', 'share of busy CPU', 'share of samples'];
  if (per) headers.push(`µs per ${per.label}`);
  return table(
    headers,
    rows
      .slice(0, n)
      .map((row, i) => [
        i + 1,
        `\`${row.name.replace(/\|/g, '\\|')}\``,
        row.name.startsWith('(idle)') ? '–' : pct(row.us, folded.busyUs),
        pct(row.us, folded.totalUs),
        ...(per ? [(row.us / Math.max(per.count, 1)).toFixed(1)] : []),
      ]),
  );
}

/**
 * Who a hot function's time belongs to: for every sample whose leaf frame is
 * named `functionName`, the call path of the nearest `depth` frames outside
 * node's own modules and native code (e.g. `writev` ← the pg or the HTTP
 * response write that caused it), summed; heaviest first.
 */
export function callersOf(
  file: string,
  repoRoot: string,
  functionName: string,
  depth: number,
  window?: ProfileWindow,
): SelfTimeRow[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const paths = new Map<string, number>();
  let at = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    if (byNode.get(id)?.callFrame.functionName !== functionName) continue;
    const frames: string[] = [];
    for (let up = parentOf.get(id); up !== undefined && frames.length < depth; up = parentOf.get(up)) {
      const frame = byNode.get(up)?.callFrame;
      if (!frame?.url || frame.url.startsWith('node:')) continue;
      const area = areaOf(frame.url, frame.functionName, repoRoot);
      frames.push(
        `${frame.functionName || '(anonymous)'} ${path.basename(frame.url)}:${frame.lineNumber + 1} [${area}]`,
      );
    }
    const key = frames.join(' ← ') || '(no JS caller)';
    paths.set(key, (paths.get(key) ?? 0) + delta);
  }
  return [...paths.entries()].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us);
}
