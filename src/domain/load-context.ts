import { buildIntensityReference, runLoad } from './detection/intensity.js';
import { dateFromDayNumber, dayNumber, isRun, localDay } from './runs.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';
import type { Run } from './types.js';

/*
 * Plan-page context (docs/detection.md): EWMA acute:chronic ratio and training monotony are
 * shown as context only, never as triggers (docs/detection.md#context-metrics: both are contested
 * as injury predictors). Nothing here reads the clock: `asOf` comes in.
 */

export type WeekDistance = { weekStart: string; weekEnd: string; distanceM: number };

export type Acwr = {
  /** EWMA with N = 7 (λ = 0.25). */
  acute: number;
  /** EWMA with N = 28 (λ = 2/29 ≈ 0.069). */
  chronic: number;
  /** acute / chronic; null when the chronic load is zero. */
  ratio: number | null;
};

export type DailyLoad = { date: string; load: number };

export type LoadContext = {
  /** 12 weeks ending on asOf's local day, oldest first. */
  weeks: WeekDistance[];
  /** Daily loads (minutes × intensity, rest days 0) fed to the EWMA, oldest first. */
  dailyLoads: DailyLoad[];
  acwr: Acwr;
  /** Foster monotony of the last 7 days. */
  monotony: number;
  /** Foster strain: load of the last 7 days × monotony. */
  strain: number;
  /** Days from the earliest known run to asOf's local day (0 without runs). */
  historyDays: number;
  /** docs/detection.md: under 14 days of history, the plan page says the baseline is still building. */
  baselineBuilding: boolean;
};

/**
 * Distance per week for the `weeks` weeks ending on asOf's local day (in `timeZone`),
 * oldest first. Each run counts on its own local day (its own time zone).
 */
export function weeklyDistances(
  runs: readonly Run[],
  asOf: Date,
  timeZone: string,
  weeks = 12,
): WeekDistance[] {
  const lastDay = dayNumber(localDay(asOf, timeZone));
  const perDay = distanceByDay(runs, asOf);
  const out: WeekDistance[] = [];
  for (let w = weeks - 1; w >= 0; w--) {
    const end = lastDay - 7 * w;
    let distanceM = 0;
    for (let d = end - 6; d <= end; d++) distanceM += perDay.get(d) ?? 0;
    out.push({ weekStart: dateFromDayNumber(end - 6), weekEnd: dateFromDayNumber(end), distanceM });
  }
  return out;
}

/**
 * EWMA acute:chronic ratio (Williams et al. 2017): E_t = λ·L_t + (1 − λ)·E_{t−1}
 * with λ = 2/(N + 1). Seed: both averages start at the first day's load (E_0 = L_0).
 * Give it a daily series with rest days as 0, oldest first.
 */
export function ewmaAcwr(dailyLoads: readonly number[], acuteDays = 7, chronicDays = 28): Acwr {
  const first = dailyLoads[0];
  if (first === undefined) return { acute: 0, chronic: 0, ratio: null };
  const la = 2 / (acuteDays + 1);
  const lc = 2 / (chronicDays + 1);
  let acute = first;
  let chronic = first;
  for (const load of dailyLoads.slice(1)) {
    acute = la * load + (1 - la) * acute;
    chronic = lc * load + (1 - lc) * chronic;
  }
  return { acute, chronic, ratio: chronic > 0 ? acute / chronic : null };
}

/**
 * Foster monotony: mean daily load ÷ its population standard deviation (rest days
 * are 0). A week without variation (sd = 0) but with training gets the cap (10,
 * Runalyze's convention), as does anything above it; a week without load is 0.
 */
export function monotony(
  last7DailyLoads: readonly number[],
  cap = DEFAULT_THRESHOLDS.context.monotonyCap,
): number {
  const n = last7DailyLoads.length;
  if (n === 0) return 0;
  const mean = last7DailyLoads.reduce((s, x) => s + x, 0) / n;
  if (mean <= 0) return 0;
  const sd = Math.sqrt(last7DailyLoads.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  return sd === 0 ? cap : Math.min(mean / sd, cap);
}

/**
 * Everything the plan page shows as context, for the runner's `timeZone`. The
 * daily load series runs from the earliest known run (at most `seriesDays` back)
 * to asOf's local day; loads use the detection's intensity model with one
 * yardstick: the runs of the 90 days up to asOf.
 */
export function loadContext(
  runs: readonly Run[],
  asOf: Date,
  timeZone: string,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): LoadContext {
  const t = thresholds.context;
  const lastDay = dayNumber(localDay(asOf, timeZone));
  const known = runs.filter((r) => isRun(r) && r.startDate.getTime() <= asOf.getTime());
  const withDays = known.map((run) => ({ run, day: dayNumber(localDay(run.startDate, run.timeZone)) }));
  const earliest = withDays.reduce<number | null>(
    (min, r) => (min === null ? r.day : Math.min(min, r.day)),
    null,
  );
  const reference = buildIntensityReference(
    withDays.filter((r) => r.day > lastDay - thresholds.intensityRamp.referenceDays).map((r) => r.run),
  );
  const loadByDay = new Map<number, number>();
  for (const { run, day } of withDays)
    loadByDay.set(day, (loadByDay.get(day) ?? 0) + runLoad(run, reference));

  const firstDay = Math.max(lastDay - t.seriesDays + 1, earliest ?? lastDay);
  const dailyLoads: DailyLoad[] = [];
  for (let d = firstDay; d <= lastDay; d++)
    dailyLoads.push({ date: dateFromDayNumber(d), load: loadByDay.get(d) ?? 0 });
  const last7: number[] = [];
  for (let d = lastDay - 6; d <= lastDay; d++) last7.push(loadByDay.get(d) ?? 0);
  const weekMonotony = monotony(last7, t.monotonyCap);
  const historyDays = earliest === null ? 0 : Math.max(lastDay - earliest, 0);
  return {
    weeks: weeklyDistances(runs, asOf, timeZone),
    dailyLoads,
    acwr: ewmaAcwr(
      dailyLoads.map((d) => d.load),
      t.ewmaAcuteDays,
      t.ewmaChronicDays,
    ),
    monotony: weekMonotony,
    strain: last7.reduce((s, x) => s + x, 0) * weekMonotony,
    historyDays,
    baselineBuilding: earliest === null || historyDays < t.baselineBuildingDays,
  };
}

function distanceByDay(runs: readonly Run[], asOf: Date): Map<number, number> {
  const perDay = new Map<number, number>();
  for (const run of runs) {
    if (!isRun(run) || run.startDate.getTime() > asOf.getTime()) continue;
    const day = dayNumber(localDay(run.startDate, run.timeZone));
    perDay.set(day, (perDay.get(day) ?? 0) + run.distanceM);
  }
  return perDay;
}
