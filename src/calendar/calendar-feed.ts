import { createHash } from 'node:crypto';
import type { AppDeps } from '../app/deps.js';
import { readCalendarFeedRunner } from '../db/repositories/calendar-feed.js';
import { loadCurrentPlan } from '../db/repositories/plans.js';
import { toLocalDate } from '../domain/plan/local-date.js';
import { initialPlan } from '../domain/plan.js';
import { readCalendarToken } from './calendar-link.js';
import { renderPlanIcs } from './plan-ics.js';

/** Eight weeks ahead: long enough to plan with, short enough that a changed plan shows soon. */
const FEED_WEEKS = 8;

/**
 * The iCalendar feed a calendar token opens (docs/contract.md#http-routes), or
 * null for a missing, bad or reset token and for a runner who has left: the
 * caller answers all of them alike, so the feed never tells a stranger whether
 * a runner exists.
 */
export async function loadCalendarFeed(
  deps: Pick<AppDeps, 'db' | 'config' | 'clock'>,
  token: string | null,
): Promise<string | null> {
  const now = deps.clock.now();
  const claims = token ? readCalendarToken(deps.config, token, now) : null;
  const runner = claims ? await readCalendarFeedRunner(deps.db, claims.runnerId) : undefined;
  // A link from before "Reset my calendar link" is dead: same answer as a forged one.
  if (!runner || runner.linkVersion !== claims?.linkVersion) return null;
  const plan = (await loadCurrentPlan(deps.db, runner.id)) ?? initialPlan(runner.connectedAt);
  return renderPlanIcs({
    plan,
    fromLocalDate: toLocalDate(now, runner.timeZone),
    weeks: FEED_WEEKS,
    publicUrl: deps.config.publicUrl,
    timeZone: runner.timeZone,
    // Opaque: UIDs must not carry the runner's id into shared calendars.
    calendarId: createHash('sha256').update(`calendar:${runner.id}`).digest('hex').slice(0, 16),
  });
}
