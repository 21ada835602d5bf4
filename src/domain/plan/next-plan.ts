import { doseFor } from '../exercises.js';
import type { PlanPhase } from '../types.js';
import { checkInsUpTo, needsPhysio } from './check-ins.js';
import { initialPlan } from './initial-plan.js';
import { PLAN_RULES, sessionsPerWeekFor } from './rules.js';
import { wholeWeeksSince } from './time.js';
import { dueTransition, nextReviewFor } from './transitions.js';
import { distinctKinds, planTriggers, rememberIds, triggerMemory } from './triggers.js';
import type { NextPlanInput, NextPlanResult, PlanChange, PlanState, PlanTrigger } from './types.js';

/** What a new version needs; `from`, `version` and `at` are filled in by `nextPlan`. */
type Step = Omit<PlanChange, 'from' | 'version' | 'at'>;

function triggeredStep(current: PlanState | null, triggers: readonly PlanTrigger[]): Step {
  const kind = current === null ? 'started' : current.phase === 'daily' ? 'restarted' : 'raised';
  const why = {
    started: 'A ramp was detected: your plan starts with daily exercises for 14 days.',
    restarted: 'A new ramp was detected: daily exercises for 14 more days.',
    raised: 'A new ramp was detected: back to daily exercises for 14 days.',
  }[kind];
  return {
    kind,
    to: 'daily',
    why,
    reasons: triggers.map((t) => t.id),
    triggerKinds: distinctKinds(triggers),
    alert: true,
  };
}

function quietStep(kind: Step['kind'], to: PlanPhase, why: string): Step {
  return { kind, to, why, reasons: [], triggerKinds: [], alert: false };
}

/** The change due at `asOf`, if any: triggers first, then the start, then time-based transitions. */
function stepFor(input: NextPlanInput, triggers: readonly PlanTrigger[], sorted: NextPlanInput['checkIns']) {
  const { current, asOf } = input;
  if (triggers.length > 0) return triggeredStep(current, triggers);
  if (current === null) return quietStep('started', 'daily', 'Your plan starts with daily exercises.');
  const due = dueTransition(current, sorted, asOf);
  return due ? quietStep(due.kind, due.to, due.why) : null;
}

/**
 * The next plan for a runner (docs/plan.md). Pure: the same input always gives the same output, and
 * feeding the result back with the same input gives no further change.
 *
 * - Any new trigger (not `shoe_mileage`) makes a new `daily` version at `asOf` with the trigger ids
 *   as reasons and `alert: true` — also when already `daily` (that restarts the 14 days). The 14
 *   days count from `asOf`, when the runner is told, not from the run's start, so a late upload
 *   still gets its full 14 days and the alert's "for the next 14 days" is true.
 * - Otherwise at most one time-based transition (`daily`→`taper`, `taper`→`maintenance`) at `asOf`;
 *   the new version's clock starts at `asOf`, so a late evaluation never skips a phase.
 * - Derived fields (doses, `seePhysio`, `nextReview`) are refreshed on every call without a new
 *   version: `change === null` means "no new version", not "identical state".
 */
export function nextPlan(input: NextPlanInput): NextPlanResult {
  const { current, asOf } = input;
  const base = current ?? initialPlan(asOf);
  const sorted = checkInsUpTo(input.checkIns, asOf);
  const triggers = planTriggers(input.detections, base.seenTriggerIds);
  const step = stepFor(input, triggers, sorted);

  const change: PlanChange | null = step && {
    ...step,
    from: current?.phase ?? null,
    version: current ? current.version + 1 : 1,
    at: asOf,
  };
  const phase = change ? change.to : base.phase;
  const since = change ? asOf : base.since;
  const clock = { phase, since };

  const plan: PlanState = {
    version: change ? change.version : base.version,
    phase,
    sessionsPerWeek: sessionsPerWeekFor(phase),
    since,
    lastTriggerAt: change?.alert ? asOf : base.lastTriggerAt,
    reasons: change ? change.reasons : base.reasons,
    startedAt: base.startedAt,
    // Progression counts from the plan's start, not the last trigger: a ramp raises how often the
    // runner exercises, and strength already gained does not vanish, so holds never drop back.
    exercises: doseFor(wholeWeeksSince(base.startedAt, asOf)),
    nextReview: nextReviewFor(clock, sorted, asOf),
    seePhysio: needsPhysio(sorted, input.timeZone ?? 'UTC'),
    seenTriggerIds: rememberIds(
      base.seenTriggerIds,
      triggers.map(triggerMemory),
      PLAN_RULES.seenTriggerIdsKept,
    ),
  };
  return { plan, change };
}
