/**
 * Local calendar dates (`YYYY-MM-DD`) without a date library: `Intl` converts an instant to the
 * runner's day; day arithmetic is done on a day number (days since 1970-01-01), which has no
 * daylight-saving edge cases.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Index 0 = Monday, matching ISO 8601 weeks. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `Intl` knows the zone; unknown zones fall back to UTC in `toLocalDate`. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date of `at` in `timeZone` (unknown zones: UTC, so a bad zone never breaks the plan). */
export function toLocalDate(at: Date, timeZone: string): string {
  const formatter = formatterFor(isKnownTimeZone(timeZone) ? timeZone : 'UTC');
  const parts = formatter.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Days since 1970-01-01 for a `YYYY-MM-DD` date; throws RangeError on anything else. */
export function localDateToDayNumber(localDate: string): number {
  const match = LOCAL_DATE.exec(localDate);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${localDate}`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  const roundTrip = new Date(ms).toISOString().slice(0, 10);
  if (roundTrip !== localDate) throw new RangeError(`not a calendar date: ${localDate}`);
  return ms / 86_400_000;
}

export function dayNumberToLocalDate(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

export function addDaysToLocalDate(localDate: string, days: number): string {
  return dayNumberToLocalDate(localDateToDayNumber(localDate) + days);
}

export function weekdayOf(localDate: string): Weekday {
  // 1970-01-01 was a Thursday (index 3 from Monday).
  const index = (((localDateToDayNumber(localDate) + 3) % 7) + 7) % 7;
  return WEEKDAYS[index]!;
}
