import { DAY_MS } from '../duration.js';
import { compareIds, compareRuns, dayNumber, isRun, localDay } from '../runs.js';
import type { Run } from '../types.js';

/** A run with its start instant and local day computed once. */
export type TimedRun = {
  run: Run;
  startMs: number;
  /** The run's local day (in its own time zone) as a day number, see `dayNumber`. */
  day: number;
  localDate: string;
};

/** What every rule reads: the runner's runs in a canonical order, plus the window bounds. */
export type Timeline = {
  /** Runs (see `isRun`) starting at or before `asOf`: chronological, ties by id, one per id. */
  runs: readonly TimedRun[];
  /** The same runs grouped by local day, each day in chronological order. */
  byDay: ReadonlyMap<number, readonly TimedRun[]>;
  /** Every activity up to `asOf` with a positive distance, runs or not (shoe totals count them all). */
  activities: readonly Run[];
  /** Per shoe, the distance of activities after `asOf`, to wind Strava's current totals back. */
  gearDistanceAfterAsOfM: ReadonlyMap<string, number>;
  windowStartMs: number;
  asOfMs: number;
  /** Local day of the runner's earliest known run, or null without runs. */
  earliestRunDay: number | null;
};

export type TimelineInput = { runs: readonly Run[]; asOf: Date; windowStart: Date };

/**
 * Canonicalizes the input so rules never depend on input order: one entry per
 * activity id (the first by start, then distance), sorted by start then id.
 */
export function buildTimeline({ runs, asOf, windowStart }: TimelineInput): Timeline {
  const asOfMs = asOf.getTime();
  const unique = dedupeById(runs);
  const activities: Run[] = [];
  const gearDistanceAfterAsOfM = new Map<string, number>();
  const timed: TimedRun[] = [];
  for (const run of unique) {
    if (!(Number.isFinite(run.distanceM) && run.distanceM > 0)) continue;
    const startMs = run.startDate.getTime();
    if (Number.isNaN(startMs)) continue;
    if (startMs > asOfMs) {
      if (run.gearId) {
        gearDistanceAfterAsOfM.set(run.gearId, (gearDistanceAfterAsOfM.get(run.gearId) ?? 0) + run.distanceM);
      }
      continue;
    }
    activities.push(run);
    if (!isRun(run)) continue;
    const localDate = localDay(run.startDate, run.timeZone);
    timed.push({ run, startMs, day: dayNumber(localDate), localDate });
  }
  const byDay = new Map<number, TimedRun[]>();
  for (const entry of timed) {
    const list = byDay.get(entry.day);
    if (list) list.push(entry);
    else byDay.set(entry.day, [entry]);
  }
  let earliestRunDay: number | null = null;
  for (const entry of timed)
    earliestRunDay = earliestRunDay === null ? entry.day : Math.min(earliestRunDay, entry.day);
  return {
    runs: timed,
    byDay,
    activities,
    gearDistanceAfterAsOfM,
    windowStartMs: windowStart.getTime(),
    asOfMs,
    earliestRunDay,
  };
}

function dedupeById(runs: readonly Run[]): Run[] {
  const sorted = [...runs].sort(
    (a, b) => compareRuns(a, b) || b.distanceM - a.distanceM || compareIds(a.name, b.name),
  );
  const seen = new Set<string>();
  return sorted.filter((run) => {
    if (seen.has(run.id)) return false;
    seen.add(run.id);
    return true;
  });
}

/** Index of the first run starting at or after `ms` (runs are sorted by start). */
export function firstIndexFrom(runs: readonly TimedRun[], ms: number): number {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((runs[mid]?.startMs ?? 0) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The runs before `runs[index]` that started at most `days` × 24 h earlier. Runs
 * with the same start instant count as earlier when their id sorts first.
 */
export function priorRuns(runs: readonly TimedRun[], index: number, days: number): readonly TimedRun[] {
  const current = runs[index];
  if (!current) return [];
  return runs.slice(firstIndexFrom(runs, current.startMs - days * DAY_MS), index);
}

/**
 * docs/detection.md: a run is evaluated for a kind only when the analysis window reaches
 * back over that kind's whole lookback, so a sliding window never judges a run
 * on a truncated baseline.
 */
export function windowCovers(timeline: Timeline, startMs: number, lookbackDays: number): boolean {
  return timeline.windowStartMs <= startMs - lookbackDays * DAY_MS;
}
