import { DAY_MS } from '../duration.js';
import { dateFromDayNumber, isValidTimezone, localDay } from '../runs.js';

/**
 * Local calendar dates (`YYYY-MM-DD`) for the plan. The instant → day conversion is detection's
 * (`../runs.ts`); this file adds strict calendar validation and weekdays. Day arithmetic is done
 * on a day number (days since 1970-01-01), which has no daylight-saving edge cases.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Index 0 = Monday, matching ISO 8601 weeks. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Same zone handling as detection: one implementation of "the runner's day" (unknown zones: UTC). */
export {
  dateFromDayNumber as dayNumberToLocalDate,
  isValidTimezone as isKnownTimeZone,
  localDay as toLocalDate,
};

/** Days since 1970-01-01 for a `YYYY-MM-DD` date; throws RangeError on anything else. */
export function localDateToDayNumber(localDate: string): number {
  const match = LOCAL_DATE.exec(localDate);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${localDate}`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  const roundTrip = new Date(ms).toISOString().slice(0, 10);
  if (roundTrip !== localDate) throw new RangeError(`not a calendar date: ${localDate}`);
  return ms / DAY_MS;
}

export function addDaysToLocalDate(localDate: string, days: number): string {
  return dateFromDayNumber(localDateToDayNumber(localDate) + days);
}

export function weekdayOf(localDate: string): Weekday {
  // 1970-01-01 was a Thursday (index 3 from Monday).
  const index = (((localDateToDayNumber(localDate) + 3) % 7) + 7) % 7;
  return WEEKDAYS[index]!;
}
