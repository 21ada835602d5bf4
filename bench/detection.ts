/**
 * Detection cost against the number of stored runs: `npx tsx bench/detection.ts`.
 *
 * The app never hands `detect` a runner's whole history: each analysis reads the
 * last WINDOW_DAYS (84) from Strava, and `selectAnalysisWindow(runs, asOf, days)`
 * (src/domain/runs.ts) is the same cut for stored runs. So the work `detect` does
 * depends on the window (about 84 runs at one run a day), not on how many runs
 * were ever stored. The "select" column times that O(n) in-memory filter, which
 * stands in for the indexed `(runner_id, start_date)` query in production; the
 * "whole history" column shows what detecting over every stored run would cost.
 *
 * Prints a Markdown section for bench/RESULTS.md.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { detect } from '../src/domain/detect.js';
import { selectAnalysisWindow } from '../src/domain/runs.js';
import type { Run, Shoe } from '../src/domain/types.js';

const WINDOW_DAYS = 84;
const DAY_MS = 86_400_000;
const ASOF = new Date('2026-11-01T12:00:00Z');
const SIZES = [100, 1_000, 10_000];

/** Deterministic PRNG (mulberry32) so every run of the bench sees the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `n` runs, one a day ending at ASOF, rotating shoes, some with heart rate and workouts. */
function buildHistory(n: number): { runs: Run[]; shoes: Shoe[] } {
  const rnd = random(n);
  const runs: Run[] = [];
  for (let i = 0; i < n; i++) {
    const km = 4 + rnd() * 14;
    const pace = 270 + rnd() * 90;
    const withHr = rnd() < 0.7;
    runs.push({
      id: String(10_000_000_000 + i),
      name: `Run ${i}`,
      sportType: rnd() < 0.1 ? 'TrailRun' : 'Run',
      type: 'Run',
      startDate: new Date(ASOF.getTime() - (n - i) * DAY_MS + Math.floor(rnd() * 12) * 3_600_000),
      timeZone: 'Europe/Berlin',
      distanceM: km * 1000,
      movingTimeS: Math.round(km * pace),
      averageHeartrate: withHr ? 130 + rnd() * 40 : null,
      maxHeartrate: withHr ? 170 + rnd() * 20 : null,
      workoutType: rnd() < 0.1 ? 3 : 0,
      gearId: `g${Math.floor(i / 200) + (i % 2)}`,
      manual: false,
    });
  }
  const shoes = Array.from({ length: Math.ceil(n / 200) + 2 }, (_, k) => ({
    id: `g${k}`,
    name: `Shoe ${k}`,
    distanceM: 750_000 + k * 1000,
    retired: false,
  }));
  return { runs, shoes };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Milliseconds of one call. */
function once(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/**
 * Median milliseconds of each function over `rounds` rounds, interleaved (one call
 * of each per round, order rotating), so that load from other processes on the
 * machine falls on every size alike instead of on whichever was measured then.
 */
function timeInterleaved(fns: readonly (() => unknown)[], rounds: number): number[] {
  for (const fn of fns) for (let i = 0; i < 10; i++) fn();
  const samples = fns.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < fns.length; k++) {
      const index = (round + k) % fns.length;
      samples[index]?.push(once(fns[index] ?? (() => undefined)));
    }
  }
  return samples.map(median);
}

type Row = {
  n: number;
  windowRuns: number;
  selectMs: number;
  detectMs: number;
  wholeMs: number;
  detections: number;
};

const ROUNDS = 200;

function measureAll(sizes: readonly number[]): Row[] {
  const cases = sizes.map((n) => {
    const { runs, shoes } = buildHistory(n);
    const window = selectAnalysisWindow(runs, ASOF, WINDOW_DAYS);
    const earliest = new Date(Math.min(...runs.map((r) => r.startDate.getTime())));
    return {
      n,
      window,
      select: () => selectAnalysisWindow(runs, ASOF, WINDOW_DAYS),
      analyse: () =>
        detect({ runs: window.runs, shoes, asOf: ASOF, windowStart: window.windowStart, units: 'metric' }),
      whole: () => detect({ runs, shoes, asOf: ASOF, windowStart: earliest, units: 'metric' }),
    };
  });
  const selectMs = timeInterleaved(
    cases.map((c) => c.select),
    ROUNDS,
  );
  const detectMs = timeInterleaved(
    cases.map((c) => c.analyse),
    ROUNDS,
  );
  const wholeMs = timeInterleaved(
    cases.map((c) => c.whole),
    3,
  );
  return cases.map((c, i) => ({
    n: c.n,
    windowRuns: c.window.runs.length,
    selectMs: selectMs[i] ?? Number.NaN,
    detectMs: detectMs[i] ?? Number.NaN,
    wholeMs: wholeMs[i] ?? Number.NaN,
    detections: c.analyse().length,
  }));
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** `date -u` style, e.g. "Wed Nov 25 08:48:37 UTC 2026", to match the other sections. */
function formatLikeDateU(date: Date): string {
  const [weekday, day, month, year, time] = date.toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${(day ?? '').replace(/^0/, ' ')} ${time} UTC ${year}`;
}

const loadAtStart = loadavg()[0] ?? Number.NaN;
const rows = measureAll(SIZES);
const ms = (x: number) => x.toFixed(3);
const first = rows[0];
const last = rows[rows.length - 1];
console.log(`\n## detection — ${formatLikeDateU(new Date())}\n`);
console.log(`Machine: ${cpuModel()}, ${availableParallelism()} CPUs (nproc), Node ${process.version}.`);
console.log(
  `Command: \`npx tsx bench/detection.ts\`. Medians of ${ROUNDS} interleaved rounds (whole history: 3); ` +
    `load average at start ${loadAtStart.toFixed(2)}.\n`,
);
console.log(
  '| stored runs | runs in 84-day window | select window (ms) | detect on window (ms) | detections | detect on whole history (ms) |',
);
console.log('|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.n} | ${r.windowRuns} | ${ms(r.selectMs)} | ${ms(r.detectMs)} | ${r.detections} | ${ms(r.wholeMs)} |`,
  );
}
if (first && last) {
  console.log(
    `\nRatio ${last.n} vs ${first.n} stored runs: detect on the window ×${(last.detectMs / first.detectMs).toFixed(2)}, ` +
      `select + detect ×${((last.detectMs + last.selectMs) / (first.detectMs + first.selectMs)).toFixed(2)}, ` +
      `whole history ×${(last.wholeMs / first.wholeMs).toFixed(1)}.`,
  );
}
