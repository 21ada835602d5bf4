import { describeExercise } from '../../domain/exercises.js';
import type { PlanExerciseJson, PlanJson } from '../../domain/plan-view.js';
import { sessionWeekdays } from '../../domain/plan-view.js';
import type { PlanPhase } from '../../domain/types.js';

/** Plain-language pieces shared by the HTML and text parts, so both always say the same thing. */

const UNIT_WORDS: Record<string, string> = {
  km: 'km',
  mi: 'mi',
  m: 'm',
  pct: '%',
  min: 'min',
  s: 's',
  bpm: 'bpm',
};

/** `longestPrior30dKm` → `Longest prior 30d (km)`: metrics keys are camelCase with a unit suffix. */
export function metricLabel(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(' ')
    .filter(Boolean);
  const unit = words.length > 1 ? UNIT_WORDS[words.at(-1)!] : undefined;
  const name = (unit ? words.slice(0, -1) : words).join(' ');
  const label = name.charAt(0).toUpperCase() + name.slice(1);
  return unit ? `${label} (${unit})` : label;
}

export function metricValue(value: number | string | null): string {
  if (value === null) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return value;
}

export type MetricRow = { label: string; value: string };

export function metricRows(metrics: Record<string, number | string | null>): MetricRow[] {
  return Object.entries(metrics).map(([key, value]) => ({
    label: metricLabel(key),
    value: metricValue(value),
  }));
}

const WEEKDAY_NAMES = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
} as const;

export function phaseSummary(phase: PlanPhase, sessionsPerWeek: number): string {
  if (phase === 'daily') return 'Do both exercises every day (7 sessions a week).';
  const days = sessionWeekdays(sessionsPerWeek)
    .map((d) => WEEKDAY_NAMES[d])
    .join(', ');
  return `Do both exercises ${sessionsPerWeek} times a week (for example ${days}).`;
}

/** A date for a sentence, in the runner's zone: `Mon, 3 Mar`. Unknown zones fall back to UTC. */
export function formatDay(iso: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(new Date(iso));
  }
}

export function reviewSentence(plan: PlanJson, timeZone: string): string | null {
  if (plan.nextReview === null) {
    return plan.phase === 'daily' ? 'The plan tapers once you check in that your knee feels fine.' : null;
  }
  const day = formatDay(plan.nextReview, timeZone);
  return plan.phase === 'daily'
    ? `Keep this up until at least ${day}; after that the plan tapers once your knee feels fine.`
    : `If there is no new ramp and no pain, the plan drops to 3 sessions a week from ${day}.`;
}

export type ExerciseView = {
  name: string;
  dose: string;
  purpose: string;
  steps: readonly string[];
};

export function exerciseView(dose: PlanExerciseJson): ExerciseView {
  const guide = describeExercise(dose.id, dose.variant);
  const reps = dose.perLeg ? `${dose.reps} reps on each leg` : `${dose.reps} reps`;
  const variant = dose.variant === 'single-leg' ? ' (one leg at a time)' : '';
  return {
    name: `${guide.name}${variant}`,
    dose: `${reps}, hold ${dose.holdSeconds} seconds each`,
    purpose: guide.purpose,
    steps: guide.steps,
  };
}

/** Section headings, the same words on the plan page and in emails. */
export const SECTION_HEADINGS = {
  why: 'Why your plan changed',
  exercises: 'Your exercises',
  checkIn: 'How does your knee feel today?',
} as const;

export const GUIDANCE_NOTE =
  'This is general guidance, not medical advice. Stop any exercise that makes the pain worse, and see a physical therapist if knee pain lasts more than a week.';

export const PHYSIO_NOTE =
  'You have reported knee pain across 7 or more days. Please see a physical therapist: they can check your knee and adjust these exercises for you.';

export const STRAVA_ATTRIBUTION = 'Powered by Strava';
