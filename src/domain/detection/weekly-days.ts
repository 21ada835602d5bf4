import { dayNumber, localDay } from '../runs.js';
import type { WeeklyWindow } from '../thresholds.js';
import type { TimedRun, Timeline } from './timeline.js';
import { windowCovers } from './timeline.js';

/** One local day on which a weekly kind can be judged, with the runs it compares. */
export type WeeklyDay = {
  day: number;
  /** The day's last run: "the 7 days ending with the run" then hold every run of that day. */
  trigger: TimedRun;
  /** Runs on the run's local day and the `acuteDays − 1` days before it. */
  acute: readonly TimedRun[];
  /** Runs on the `baselineDays` local days before those. */
  baseline: readonly TimedRun[];
};

/**
 * The local days a weekly kind (weekly_ramp, intensity_ramp) is evaluated on:
 * days with a run, whose whole lookback the analysis window covers, with enough
 * history (earliest known run at least `minHistoryDays` before) and enough runs in
 * the baseline. Weekly kinds are keyed by local day, so each day is judged once,
 * at its last run (the acute totals only grow during a day).
 */
export function selectWeeklyDays(timeline: Timeline, window: WeeklyWindow): WeeklyDay[] {
  const days: WeeklyDay[] = [];
  const windowStartDays = new Map<string, number>();
  const windowStartDay = (timeZone: string) => {
    let day = windowStartDays.get(timeZone);
    if (day === undefined) {
      day = dayNumber(localDay(new Date(timeline.windowStartMs), timeZone));
      windowStartDays.set(timeZone, day);
    }
    return day;
  };
  const sortedDays = [...timeline.byDay.keys()].sort((a, b) => a - b);
  for (const day of sortedDays) {
    const runsOfDay = timeline.byDay.get(day) ?? [];
    const trigger = runsOfDay[runsOfDay.length - 1];
    if (!trigger) continue;
    const firstDay = day - window.acuteDays - window.baselineDays + 1;
    // The window must start `lookbackDays` × 24 h before the run (docs/detection.md) and, so that
    // no DST shift leaves part of the first baseline day unread, on an earlier local day.
    if (!windowCovers(timeline, trigger.startMs, window.lookbackDays)) continue;
    if (windowStartDay(trigger.run.timeZone) >= firstDay) continue;
    if (timeline.earliestRunDay === null || timeline.earliestRunDay > day - window.minHistoryDays) continue;
    const baseline = runsOnDays(timeline, firstDay, day - window.acuteDays);
    if (baseline.length < window.minBaselineRuns) continue;
    const acute = runsOnDays(timeline, day - window.acuteDays + 1, day);
    days.push({ day, trigger, acute, baseline });
  }
  return days;
}

function runsOnDays(timeline: Timeline, fromDay: number, toDay: number): TimedRun[] {
  const out: TimedRun[] = [];
  for (let d = fromDay; d <= toDay; d++) out.push(...(timeline.byDay.get(d) ?? []));
  return out;
}
