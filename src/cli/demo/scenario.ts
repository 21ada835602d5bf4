import { DAY_MS } from '../../domain/duration.js';
/**
 * The demo runner's training, in days before the real now: eight weeks of
 * steady running before they connect (22 days ago), more of the same after,
 * then a week that ramps up and ends with a long run in brand-new shoes.
 * Steady weeks: four runs, 6 + 8 + 6 + 12 km = 32 km. The ramp week: 48 km
 * over five days, then 18 km today (66 km in 7 days, about double).
 */
export const CONNECT_DAYS_AGO = 22;
/** Jumps of the clock between connecting and today; the last one is when the runner checks in. */
export const QUIET_HOPS = [17, 12, 7] as const;
export const HISTORY_WEEKS = 8;

export type PlannedRun = { daysAgo: number; distanceM: number; name: string; newShoes?: boolean };

/** Steady week by day-of-week slot (days ago modulo 7). */
const STEADY: Record<number, { distanceM: number; name: string }> = {
  0: { distanceM: 12_000, name: 'Sunday long run' },
  2: { distanceM: 6_000, name: 'Easy run' },
  4: { distanceM: 8_000, name: 'Steady run' },
  5: { distanceM: 6_000, name: 'Easy run' },
};

/** Steady runs on the days in (toDaysAgo, fromDaysAgo]: strictly after `toDaysAgo`, so never in the future. */
export function steadyRuns(fromDaysAgo: number, toDaysAgo: number): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (let d = fromDaysAgo; d > toDaysAgo; d--) {
    const slot = STEADY[d % 7];
    if (slot) runs.push({ daysAgo: d, ...slot });
  }
  return runs;
}

export function historyRuns(): PlannedRun[] {
  return steadyRuns(CONNECT_DAYS_AGO + HISTORY_WEEKS * 7, CONNECT_DAYS_AGO);
}

export function rampWeek(): PlannedRun[] {
  return [
    { daysAgo: 6, distanceM: 10_000, name: 'Easy run, a bit longer' },
    { daysAgo: 5, distanceM: 8_000, name: 'Steady run' },
    { daysAgo: 4, distanceM: 12_000, name: 'Midweek long run' },
    { daysAgo: 2, distanceM: 10_000, name: 'Tempo run' },
    { daysAgo: 1, distanceM: 8_000, name: 'Easy run' },
    { daysAgo: 0, distanceM: 18_000, name: 'Long run in the new racers', newShoes: true },
  ];
}

/** Runs start at 15:00 UTC on their day (early morning on the US west coast); today's ended two hours ago. */
export function startDate(run: PlannedRun, realNow: number): string {
  if (run.daysAgo === 0) return new Date(realNow - 3 * 3_600_000).toISOString();
  const day = Math.floor(realNow / DAY_MS) - run.daysAgo;
  return new Date(day * DAY_MS + 15 * 3_600_000).toISOString();
}

export function totalKm(runs: readonly PlannedRun[]): number {
  return Math.round(runs.reduce((sum, r) => sum + r.distanceM, 0) / 1_000);
}
