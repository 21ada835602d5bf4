import type { PlanPhase } from '../types.js';
import type { SessionsPerWeek } from './types.js';

/** docs/plan.md timings, in days of elapsed time. */
export const PLAN_RULES = {
  /** `daily` lasts at least this long after the start or the last trigger. */
  dailyDays: 14,
  /** With no check-in since the start or the last trigger, `daily` tapers after this long. */
  dailyWithoutCheckInDays: 21,
  /** Pain-free days of `taper` before `maintenance`. */
  taperPainFreeDays: 14,
  /** How many acted-on detection ids a plan remembers (idempotency against redelivery). */
  seenTriggerIdsKept: 500,
} as const;

const SESSIONS: Record<PlanPhase, SessionsPerWeek> = { daily: 7, taper: 4, maintenance: 3 };

export function sessionsPerWeekFor(phase: PlanPhase): SessionsPerWeek {
  return SESSIONS[phase];
}
