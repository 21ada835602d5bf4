import { DAY_MS } from './duration.js';
import type { Run } from './types.js';

/** docs/detection.md: these `sport_type` values are runs; other values fall back to the coarse `type`. */
export const RUN_SPORT_TYPES: ReadonlySet<string> = new Set(['Run', 'TrailRun', 'VirtualRun']);

/**
 * A run is an activity whose `sport_type` is Run, TrailRun or VirtualRun, or whose
 * deprecated `type` is `Run` (new run-like sport types keep `type: "Run"`), with a
 * positive distance. Unknown sport types without `type: "Run"` are not runs.
 */
export function isRun(run: Pick<Run, 'sportType' | 'type' | 'distanceM'>): boolean {
  const classified = RUN_SPORT_TYPES.has(run.sportType) || run.type === 'Run';
  return classified && Number.isFinite(run.distanceM) && run.distanceM > 0;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: isValidTimezone(timeZone) ? timeZone : 'UTC',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA name this runtime knows. */
export function isValidTimezone(timeZone: string): boolean {
  if (timeZone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. Intl applies
 * the zone's offset at that instant, so it is right across DST changes. Never use
 * Strava's `start_date_local` for this: it carries a misleading `Z`. An unknown
 * zone falls back to UTC so detection stays total.
 */
export function localDay(startDate: Date, timeZone: string): string {
  const formatter = formatterFor(timeZone);
  // Fast path: en-US numeric dates read "M/D/YYYY". formatToParts is the exact but
  // twice as slow fallback, should a runtime ever format differently.
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(formatter.format(startDate));
  if (match) return `${match[3]}-${(match[1] ?? '').padStart(2, '0')}-${(match[2] ?? '').padStart(2, '0')}`;
  const parts = formatter.formatToParts(startDate);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year').padStart(4, '0')}-${get('month').padStart(2, '0')}-${get('day').padStart(2, '0')}`;
}

/** Days since 1970-01-01 for a YYYY-MM-DD date (calendar arithmetic, no time zone). */
export function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Math.round(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS);
}

/** The YYYY-MM-DD date for a day number (inverse of `dayNumber`). */
export function dateFromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days (negative to go back). */
export function addDays(date: string, days: number): string {
  return dateFromDayNumber(dayNumber(date) + days);
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * The IANA zone from Strava's `timezone`, e.g. `"(GMT-08:00) America/Los_Angeles"`
 * → `America/Los_Angeles`. A bare IANA name is accepted as is. When the name is
 * missing or unknown, a whole-hour `utc_offset` (seconds) gives a fixed `Etc/GMT±N`
 * zone; otherwise `UTC`.
 */
export function parseStravaTimezone(value: string | null | undefined, utcOffsetS?: number | null): string {
  const candidate = (value ?? '').trim().replace(/^\(GMT[^)]*\)\s*/, '');
  if (candidate !== '' && !/\s/.test(candidate) && isValidTimezone(candidate)) return candidate;
  if (typeof utcOffsetS === 'number' && Number.isFinite(utcOffsetS) && utcOffsetS % 3600 === 0) {
    const hours = utcOffsetS / 3600;
    // Etc/GMT zones have inverted signs: UTC-8 is Etc/GMT+8.
    if (hours === 0) return 'UTC';
    if (Math.abs(hours) <= 14) return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
  }
  return 'UTC';
}

/** Compares Strava ids numerically when both are decimal strings (ids can exceed 2^53). */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Chronological order with a total tie-break (id), so results never depend on input order. */
export function compareRuns(a: Run, b: Run): number {
  return a.startDate.getTime() - b.startDate.getTime() || compareIds(a.id, b.id);
}

export type AnalysisWindow = {
  /** The earliest instant the window covers: pass it to `detect` as `windowStart`. */
  windowStart: Date;
  runs: Run[];
};

/**
 * The runs an analysis reads: those starting in the `days` × 24 h up to `asOf`.
 * The app reads exactly this window from Strava (WINDOW_DAYS), so detection cost
 * depends on the window, never on how many runs were ever stored.
 */
export function selectAnalysisWindow(runs: readonly Run[], asOf: Date, days: number): AnalysisWindow {
  const windowStart = new Date(asOf.getTime() - days * DAY_MS);
  const from = windowStart.getTime();
  const to = asOf.getTime();
  return {
    windowStart,
    runs: runs.filter((r) => r.startDate.getTime() >= from && r.startDate.getTime() <= to),
  };
}
