import { DAY_MS } from '../duration.js';
import type { CheckIn } from '../types.js';
import { localDateToDayNumber, toLocalDate } from './local-date.js';
import { elapsedMs } from './time.js';

/**
 * How check-ins feed the plan. Decisions (documented in the report and README):
 * - Only `fine` counts as "feeling fine"; `sore` is not fine (it holds the plan in `daily`).
 * - Only `pain` counts as pain (for maintenance and for seeing a physical therapist); `sore`
 *   ("a bit sore") is normal after training and neither blocks maintenance nor ends a pain episode.
 * - A check-in only speaks for the knee after the plan's current version began: a report from
 *   before a ramp says nothing about the knee after it.
 */

/** A fresh report: the `fine` that unlocks the taper must be from the last 7 days. */
export const FRESH_CHECK_IN_MS = 7 * DAY_MS;

/** Pain reports further apart than this belong to different episodes. */
const PAIN_EPISODE_GAP_DAYS = 7;
/** "Pain reported across 7 or more days" (docs/plan.md#see-a-physical-therapist): first to last pain day, inclusive. */
const PAIN_SPAN_DAYS = 7;

/** Check-ins up to `asOf`, oldest first (stable for equal instants). */
export function checkInsUpTo(checkIns: readonly CheckIn[], asOf: Date): CheckIn[] {
  return checkIns
    .filter((c) => c.at.getTime() <= asOf.getTime())
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.at.getTime() - b.c.at.getTime() || a.i - b.i)
    .map(({ c }) => c);
}

/** The most recent check-in at or after `from` (input sorted oldest first). */
export function latestCheckInSince(sorted: readonly CheckIn[], from: Date): CheckIn | undefined {
  const last = sorted.at(-1);
  return last && last.at.getTime() >= from.getTime() ? last : undefined;
}

export function isFresh(checkIn: CheckIn, asOf: Date): boolean {
  return elapsedMs(checkIn.at, asOf) <= FRESH_CHECK_IN_MS;
}

/** The last `pain` check-in at or after `from`, if any (input sorted oldest first). */
export function lastPainSince(sorted: readonly CheckIn[], from: Date): CheckIn | undefined {
  return sorted.findLast((c) => c.feeling === 'pain' && c.at.getTime() >= from.getTime());
}

/**
 * True when the current pain episode covers local days spanning 7 or more days. An episode is a
 * series of `pain` reports with no `fine` between them and no gap over 7 days; a `fine` check-in
 * ends it (so the advice clears once the runner reports feeling fine).
 */
export function needsPhysio(sorted: readonly CheckIn[], timeZone: string): boolean {
  let firstDay: number | null = null;
  let lastDay = 0;
  for (const checkIn of sorted) {
    if (checkIn.feeling === 'fine') {
      firstDay = null;
      continue;
    }
    if (checkIn.feeling !== 'pain') continue;
    const day = localDateToDayNumber(toLocalDate(checkIn.at, timeZone));
    if (firstDay === null || day - lastDay > PAIN_EPISODE_GAP_DAYS) firstDay = day;
    lastDay = day;
  }
  return firstDay !== null && lastDay - firstDay + 1 >= PAIN_SPAN_DAYS;
}
