import { addDaysToLocalDate, type Weekday, weekdayOf } from '../domain/plan/local-date.js';
import type { PlanState } from '../domain/plan.js';
import { sessionWeekdays } from '../domain/plan-view.js';
import type { ExerciseDose } from '../domain/types.js';
import { escapeText, formatDate, formatUtcDateTime, joinLines } from './ics-text.js';

export type RenderPlanIcsInput = {
  plan: Pick<PlanState, 'phase' | 'sessionsPerWeek' | 'since' | 'exercises'> & { version?: number };
  /** Weekdays with a session; default: `sessionWeekdays(plan.sessionsPerWeek)`. */
  schedule?: readonly Weekday[];
  /** First day of the feed, the runner's local date `YYYY-MM-DD` (normally today). */
  fromLocalDate: string;
  /** How many weeks ahead to list (clamped to 1..26). */
  weeks: number;
  /** `PUBLIC_URL`; the plan link and the UID domain come from it. */
  publicUrl: string;
  /** Runner's IANA zone; only advertised (X-WR-TIMEZONE): sessions are all-day events. */
  timeZone: string;
  /** Opaque per-runner id mixed into UIDs so two runners' feeds in one calendar never collide. */
  calendarId?: string;
};

const PHASE_LABEL = {
  daily: 'daily',
  taper: 'taper, 4 a week',
  maintenance: 'maintenance, 3 a week',
} as const;
const ZONE = /^[A-Za-z0-9_+\-/]{1,64}$/;
const UID_PART = /[^A-Za-z0-9_-]/g;

function doseLine(dose: ExerciseDose): string {
  const reps = dose.perLeg ? `${dose.reps} reps per leg` : `${dose.reps} reps`;
  const variant = dose.variant === 'single-leg' ? ' (one leg at a time)' : '';
  return `${dose.name}${variant}: ${reps}, hold ${dose.holdSeconds} s`;
}

function planUrl(publicUrl: string): URL {
  const url = new URL('/plan', publicUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new RangeError('publicUrl must be http(s)');
  return url;
}

/**
 * The upcoming exercise sessions as an iCalendar feed (RFC 5545). Each session is an all-day event
 * with UID `<date>[-<calendarId>]@<host>`: stable per day, so a refreshed subscription updates an
 * event (e.g. when the plan tapers) instead of duplicating it. DTSTAMP and SEQUENCE come from the
 * plan version, keeping the output a pure function of its input. Doses are the plan's current
 * ones; the feed refreshes as holds progress.
 */
export function renderPlanIcs(input: RenderPlanIcsInput): string {
  const { plan } = input;
  const url = planUrl(input.publicUrl);
  const days = new Set(input.schedule ?? sessionWeekdays(plan.sessionsPerWeek));
  const weeks = Math.min(26, Math.max(1, Math.floor(Number.isFinite(input.weeks) ? input.weeks : 1)));
  const suffix = input.calendarId ? `-${input.calendarId.replace(UID_PART, '')}` : '';
  const stamp = formatUtcDateTime(plan.since);
  const summary = `Knee exercises (${PHASE_LABEL[plan.phase]})`;
  const description = [...plan.exercises.map(doseLine), '', `Your plan: ${url.href}`].join('\n');

  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//RampGuard//Knee exercise plan//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:RampGuard knee exercises',
    ...(ZONE.test(input.timeZone) ? [`X-WR-TIMEZONE:${input.timeZone}`] : []),
    'REFRESH-INTERVAL;VALUE=DURATION:PT12H',
    'X-PUBLISHED-TTL:PT12H',
  ];
  for (let i = 0; i < weeks * 7; i++) {
    const day = addDaysToLocalDate(input.fromLocalDate, i);
    if (!days.has(weekdayOf(day))) continue;
    lines.push(
      'BEGIN:VEVENT',
      `UID:${formatDate(day)}${suffix}@${url.hostname}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${formatDate(day)}`,
      `DTEND;VALUE=DATE:${formatDate(addDaysToLocalDate(day, 1))}`,
      ...(plan.version === undefined ? [] : [`SEQUENCE:${plan.version}`]),
      `SUMMARY:${escapeText(summary)}`,
      `DESCRIPTION:${escapeText(description)}`,
      `URL:${url.href}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return joinLines(lines);
}
