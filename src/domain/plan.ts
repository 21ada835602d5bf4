/**
 * The plan engine (docs/plan.md): which phase the runner is in, how often to exercise, the doses, and
 * why the plan changed. Pure functions of stored state, detections, check-ins and `asOf`.
 */
export { initialPlan } from './plan/initial-plan.js';
export { nextPlan } from './plan/next-plan.js';
export { PLAN_RULES, sessionsPerWeekFor } from './plan/rules.js';
export { type PlanStateJson, planStateFromJson, planStateToJson } from './plan/serialize.js';
export { taperSuggestionDue } from './plan/taper-suggestion.js';
export type {
  NextPlanInput,
  NextPlanResult,
  PlanChange,
  PlanChangeKind,
  PlanState,
  PlanTrigger,
  SessionsPerWeek,
} from './plan/types.js';
