import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { readCalendarToken } from '../../calendar/calendar-link.js';
import { renderPlanIcs } from '../../calendar/plan-ics.js';
import { loadCurrentPlan } from '../../db/repositories/plans.js';
import { runners } from '../../db/schema/index.js';
import { toLocalDate } from '../../domain/plan/local-date.js';
import { initialPlan } from '../../domain/plan.js';
import { tokenParam } from '../unsubscribe/token-param.js';

/** Eight weeks ahead: long enough to plan with, short enough that a changed plan shows soon. */
const FEED_WEEKS = 8;

/**
 * `GET /plan.ics?token=…` (docs/contract.md#http-routes): the plan's sessions as an iCalendar feed.
 * The signed token is the only credential (calendar apps send no cookies).
 * Any bad or reset token, and a runner who has left, get the same plain 404, so the
 * feed never tells a stranger whether a runner exists.
 */
export function createCalendarRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const now = deps.clock.now();
    const token = tokenParam(req);
    const claims = token ? readCalendarToken(deps.config, token, now) : null;
    const [runner] = claims
      ? await deps.db
          .select({
            id: runners.id,
            timezone: runners.timezone,
            connectedAt: runners.connectedAt,
            linkVersion: runners.linkVersion,
          })
          .from(runners)
          .where(eq(runners.id, claims.runnerId))
      : [];
    // A link from before "Reset my calendar link" is dead: same 404 as a forged one.
    if (!runner || runner.linkVersion !== claims?.linkVersion) {
      res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('Not found');
      return;
    }
    const plan = (await loadCurrentPlan(deps.db, runner.id)) ?? initialPlan(runner.connectedAt);
    const body = renderPlanIcs({
      plan,
      fromLocalDate: toLocalDate(now, runner.timezone),
      weeks: FEED_WEEKS,
      publicUrl: deps.config.publicUrl,
      timezone: runner.timezone,
      // Opaque: UIDs must not carry the runner's id into shared calendars.
      calendarId: createHash('sha256').update(`calendar:${runner.id}`).digest('hex').slice(0, 16),
    });
    res
      .status(200)
      .set({
        'Content-Type': 'text/calendar; charset=utf-8',
        'Content-Disposition': 'inline; filename="rampguard-knee-exercises.ics"',
        // Private: one runner's plan. Short: a changed plan should reach the calendar soon.
        'Cache-Control': 'private, max-age=900',
        'Referrer-Policy': 'no-referrer',
      })
      .send(body);
  });
  return router;
}
