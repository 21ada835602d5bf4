import { Router } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { loadCalendarFeed } from '../../calendar/calendar-feed.js';
import { tokenParam } from '../unsubscribe/token-param.js';

/**
 * `GET /plan.ics?token=…` (docs/contract.md#http-routes): the plan's sessions as an iCalendar feed.
 * The signed token is the only credential (calendar apps send no cookies).
 * Any bad or reset token, and a runner who has left, get the same plain 404, so the
 * feed never tells a stranger whether a runner exists.
 */
export function createCalendarRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const body = await loadCalendarFeed(deps, tokenParam(req));
    if (body === null) {
      res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('Not found');
      return;
    }
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
