import { formatStravaInstant } from './clock.js';

/** Accepts `America/Los_Angeles` or Strava's `(GMT-08:00) America/Los_Angeles`. */
export function parseTimezoneName(value: string): string {
  const match = /^\(GMT[+-]\d{2}:\d{2}\)\s+(.+)$/.exec(value.trim());
  return (match?.[1] ?? value).trim();
}

export function isValidTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: parseTimezoneName(value) });
    return true;
  } catch {
    return false;
  }
}

/** Offset from UTC in seconds for `timeZone` at the instant `ms` (DST aware). */
export function offsetSecondsAt(timeZone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  const wholeSecondMs = Math.floor(ms / 1000) * 1000;
  return Math.round((asUtc - wholeSecondMs) / 1000);
}

function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}

export type LocalTimeFields = { timezone: string; utc_offset: number; start_date_local: string };

/**
 * Strava's local-time trio for an activity start. `start_date_local` is the wall clock written
 * with a misleading `Z` (docs/strava-api.md#activity-fields), reproduced on purpose.
 */
export function describeLocalStart(timeZone: string, startMs: number): LocalTimeFields {
  const name = parseTimezoneName(timeZone);
  const offset = offsetSecondsAt(name, startMs);
  return {
    timezone: `(GMT${formatOffset(offset)}) ${name}`,
    utc_offset: offset,
    start_date_local: formatStravaInstant(startMs + offset * 1000),
  };
}

/** The instant at which the wall clock in `timeZone` reads `YYYY-MM-DDTHH:mm[:ss]`. */
export function wallClockToUtcMs(timeZone: string, local: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const asUtc = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
  // Two passes settle the offset near DST transitions.
  const first = asUtc - offsetSecondsAt(timeZone, asUtc) * 1000;
  return asUtc - offsetSecondsAt(timeZone, first) * 1000;
}
