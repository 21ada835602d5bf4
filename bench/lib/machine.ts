import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where every benchmark appends its dated section (never overwritten). */
export const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'RESULTS.md');

export type Machine = { date: string; nproc: string; node: string; cpu: string; loadAtStart: string };

function sh(command: string, fallback: string): string {
  try {
    return execSync(command, { encoding: 'utf8' }).trim();
  } catch {
    return fallback;
  }
}

export function cpuModel(): string {
  try {
    const match = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/);
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** Call at the very start of a benchmark: the load average is the one before it adds its own. */
export function describeMachine(): Machine {
  return {
    date: sh('date -u', new Date().toUTCString()),
    nproc: sh('nproc', String(os.availableParallelism())),
    node: process.version,
    cpu: cpuModel(),
    loadAtStart: loadAverage(),
  };
}

export function machineLine(m: Machine): string {
  return `Machine: \`date -u\` ${m.date}; nproc ${m.nproc}; node ${m.node}; CPU ${m.cpu}; load average at start ${m.loadAtStart} (at the end ${loadAverage()}).`;
}

/** `## name — date`, with BENCH_LABEL (e.g. "before group commit") in brackets when set. */
export function heading(name: string, m: Machine): string {
  const label = process.env.BENCH_LABEL ? ` (${process.env.BENCH_LABEL})` : '';
  return `## ${name}${label} — ${m.date}`;
}

/** Appends one section to bench/RESULTS.md (creates the file with its title if missing); BENCH_DRY_RUN=1 skips it. */
export function appendResults(section: string): void {
  if (process.env.BENCH_DRY_RUN === '1') {
    console.error('BENCH_DRY_RUN=1: not appended to bench/RESULTS.md');
    return;
  }
  if (!existsSync(RESULTS_FILE)) appendFileSync(RESULTS_FILE, '# Benchmark results\n');
  appendFileSync(RESULTS_FILE, `\n${section.trim()}\n`);
}

export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Nearest-rank percentile of already sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarize(samples: readonly number[]): {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
