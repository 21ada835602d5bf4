import { addDaysToLocalDate, type Weekday, weekdayOf } from './plan/local-date.js';
import type { PlanState, SessionsPerWeek } from './plan/types.js';
import type { ExerciseId, PlanPhase } from './types.js';

/** `GET /api/plan` (docs/plan.md), exactly. Dates are ISO 8601 strings. */
export type PlanJson = {
  phase: PlanPhase;
  sessionsPerWeek: number;
  exercises: PlanExerciseJson[];
  reasons: string[];
  since: string;
  /** Null in maintenance, or in `daily` while a sore/pain report holds the plan until a `fine`. */
  nextReview: string | null;
  seePhysio: boolean;
  history: PlanHistoryJson[];
};

export type PlanExerciseJson = {
  id: ExerciseId;
  name: string;
  reps: number;
  perLeg: boolean;
  holdSeconds: number;
  variant: string;
};

export type PlanHistoryJson = { phase: PlanPhase; sessionsPerWeek: number; since: string; reasons: string[] };

/** One stored plan version; a `PlanState` fits. `version` orders versions that share `since`. */
export type PlanHistoryEntry = {
  phase: PlanPhase;
  sessionsPerWeek: number;
  since: Date;
  reasons: readonly string[];
  version?: number;
};

type PlanViewInput = Pick<
  PlanState,
  'phase' | 'sessionsPerWeek' | 'exercises' | 'reasons' | 'since' | 'nextReview' | 'seePhysio'
>;

function newestFirst(a: PlanHistoryEntry, b: PlanHistoryEntry): number {
  return b.since.getTime() - a.since.getTime() || (b.version ?? 0) - (a.version ?? 0);
}

/**
 * The API view of a plan. `history` is every stored version (include the current one), returned
 * newest first whatever the input order; only the four contract fields are kept.
 */
export function toPlanJson(plan: PlanViewInput, history: readonly PlanHistoryEntry[]): PlanJson {
  return {
    phase: plan.phase,
    sessionsPerWeek: plan.sessionsPerWeek,
    exercises: plan.exercises.map((e) => ({
      id: e.id,
      name: e.name,
      reps: e.reps,
      perLeg: e.perLeg,
      holdSeconds: e.holdSeconds,
      variant: e.variant,
    })),
    reasons: [...plan.reasons],
    since: plan.since.toISOString(),
    nextReview: plan.nextReview?.toISOString() ?? null,
    seePhysio: plan.seePhysio,
    history: [...history].sort(newestFirst).map((h) => ({
      phase: h.phase,
      sessionsPerWeek: h.sessionsPerWeek,
      since: h.since.toISOString(),
      reasons: [...h.reasons],
    })),
  };
}

/**
 * Which weekdays have a session. 4 a week: Mon/Tue/Thu/Sat (no more than one rest day in a row);
 * 3 a week: Mon/Wed/Fri (a rest day between sessions). Any other count falls back to every day,
 * the safe side for a knee plan.
 */
export function sessionWeekdays(sessionsPerWeek: SessionsPerWeek | number): Weekday[] {
  if (sessionsPerWeek === 4) return ['mon', 'tue', 'thu', 'sat'];
  if (sessionsPerWeek === 3) return ['mon', 'wed', 'fri'];
  return ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
}

export type ScheduleDay = { localDate: string; weekday: Weekday; session: boolean };

/**
 * The seven days starting at `weekStartLocalDate` (`YYYY-MM-DD`, normally a Monday; any start
 * works because days map by weekday) and whether each has a session. Throws RangeError on a bad date.
 */
export function weekSchedule(
  plan: Pick<PlanState, 'sessionsPerWeek'>,
  weekStartLocalDate: string,
): ScheduleDay[] {
  const days = new Set(sessionWeekdays(plan.sessionsPerWeek));
  return Array.from({ length: 7 }, (_, i) => {
    const localDate = addDaysToLocalDate(weekStartLocalDate, i);
    const weekday = weekdayOf(localDate);
    return { localDate, weekday, session: days.has(weekday) };
  });
}

export type { Weekday } from './plan/local-date.js';
