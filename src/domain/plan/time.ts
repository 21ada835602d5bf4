import { DAY_MS, WEEK_MS } from '../duration.js';

/** Plan clocks count elapsed time (24 h days), not calendar days: no time zone is involved. */

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/** Elapsed milliseconds from `from` to `to` (negative when `to` is earlier). */
export function elapsedMs(from: Date, to: Date): number {
  return to.getTime() - from.getTime();
}

/** Whole weeks elapsed since `from`, never negative. */
export function wholeWeeksSince(from: Date, to: Date): number {
  return Math.max(0, Math.floor(elapsedMs(from, to) / WEEK_MS));
}
