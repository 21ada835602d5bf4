import { doseFor } from '../exercises.js';
import { PLAN_RULES, sessionsPerWeekFor } from './rules.js';
import { addDays } from './time.js';
import type { PlanState } from './types.js';

/** The plan a runner starts with: `daily`, first-week doses, reviewed after 14 days. */
export function initialPlan(asOf: Date): PlanState {
  return {
    version: 1,
    phase: 'daily',
    sessionsPerWeek: sessionsPerWeekFor('daily'),
    since: asOf,
    lastTriggerAt: null,
    reasons: [],
    startedAt: asOf,
    exercises: doseFor(0),
    nextReview: addDays(asOf, PLAN_RULES.dailyDays),
    seePhysio: false,
    seenTriggerIds: [],
  };
}
