import type { CheckIn, PlanPhase } from '../types.js';
import { isFresh, lastPainSince, latestCheckInSince } from './check-ins.js';
import { PLAN_RULES } from './rules.js';
import { addDays } from './time.js';
import type { PlanState } from './types.js';

/** A time-based phase change that is due now. */
export type DueTransition = { to: PlanPhase; kind: 'tapered' | 'maintenance'; why: string };

type PlanClock = Pick<PlanState, 'phase' | 'since'>;

/**
 * The clock of a phase starts at the version's `since`: a `daily` version begins at the start or
 * at a trigger, and a `taper` version begins when the taper did, so `since` is the anchor for both.
 */
function reached(from: Date, days: number, asOf: Date): boolean {
  return asOf.getTime() >= addDays(from, days).getTime();
}

/** Taper starts when pain stopped: 14 pain-free days of taper are counted from the later of the two. */
function painFreeFrom(plan: PlanClock, sorted: readonly CheckIn[]): Date {
  const lastPain = lastPainSince(sorted, plan.since);
  return lastPain && lastPain.at.getTime() > plan.since.getTime() ? lastPain.at : plan.since;
}

/** The time-based transition due at `asOf`, if any (triggers are handled before this). */
export function dueTransition(plan: PlanClock, sorted: readonly CheckIn[], asOf: Date): DueTransition | null {
  if (plan.phase === 'daily') {
    const latest = latestCheckInSince(sorted, plan.since);
    if (
      reached(plan.since, PLAN_RULES.dailyDays, asOf) &&
      latest?.feeling === 'fine' &&
      isFresh(latest, asOf)
    ) {
      return {
        to: 'taper',
        kind: 'tapered',
        why: '14 days without a new ramp and you reported your knee feels fine.',
      };
    }
    // Silence for 21 days tapers; a stale `fine` is at least as good a signal as silence.
    if (
      reached(plan.since, PLAN_RULES.dailyWithoutCheckInDays, asOf) &&
      (!latest || latest.feeling === 'fine')
    ) {
      return {
        to: 'taper',
        kind: 'tapered',
        why: '21 days without a new ramp or a report of soreness or pain.',
      };
    }
    return null;
  }
  if (plan.phase === 'taper' && reached(painFreeFrom(plan, sorted), PLAN_RULES.taperPainFreeDays, asOf)) {
    return {
      to: 'maintenance',
      kind: 'maintenance',
      why: '14 days of tapered exercises without a new ramp or pain.',
    };
  }
  return null;
}

/**
 * The earliest instant a time-based transition could happen, so a scheduler knows when to call
 * `nextPlan` again. Check-ins can unlock a transition sooner: callers also re-run `nextPlan` on
 * every check-in. Null: maintenance (no next phase) or `daily` held by a `sore`/`pain` report
 * until a `fine` check-in arrives.
 */
export function nextReviewFor(plan: PlanClock, sorted: readonly CheckIn[], asOf: Date): Date | null {
  if (plan.phase === 'daily') {
    const fourteen = addDays(plan.since, PLAN_RULES.dailyDays);
    if (asOf.getTime() < fourteen.getTime()) return fourteen;
    const latest = latestCheckInSince(sorted, plan.since);
    if (latest && latest.feeling !== 'fine') return null;
    return addDays(plan.since, PLAN_RULES.dailyWithoutCheckInDays);
  }
  if (plan.phase === 'taper') return addDays(painFreeFrom(plan, sorted), PLAN_RULES.taperPainFreeDays);
  return null;
}
