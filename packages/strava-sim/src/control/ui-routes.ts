import type { Request, Response, Router } from 'express';
import { createActivity, deleteActivity } from '../commands/activities.js';
import { revokeAccess } from '../commands/revoke-access.js';
import type { SimContext } from '../context.js';
import { addAthlete, addShoe, requireAthlete, updateShoe } from '../model/athletes.js';
import { readParam, readQuery } from '../params.js';
import { SimError } from '../sim-error.js';
import { wallClockToUtcMs } from '../timezone.js';
import { ZCreateActivity, ZCreateAthlete, ZCreateShoe, ZUpdateShoe } from './schemas.js';
import { renderControlPage } from './ui-page.js';
import { parseBody } from './validate.js';

function optionalText(req: Request, name: string): string | undefined {
  const value = readParam(req, name)?.trim();
  return value ? value : undefined;
}

function optionalNumber(req: Request, name: string): number | undefined {
  const value = optionalText(req, name);
  return value === undefined ? undefined : Number(value);
}

function metersFrom(req: Request, name: string): number | undefined {
  const km = optionalNumber(req, name);
  return km === undefined ? undefined : Math.round(km * 1000 * 10) / 10;
}

/** "5:30" (min:sec per km) or "5.5" (minutes); 5:30 when empty. */
function paceSecondsPerKm(value: string | undefined): number {
  if (value === undefined) return 330;
  const clock = /^(\d{1,2}):([0-5]\d)$/.exec(value);
  const seconds = clock ? Number(clock[1]) * 60 + Number(clock[2]) : Number(value) * 60;
  if (!Number.isFinite(seconds) || seconds < 120 || seconds > 1800)
    throw new SimError(400, 'pace: give minutes and seconds per km, between 2:00 and 30:00, like 5:30');
  return seconds;
}

/**
 * Form posts from the control page. Each runs the same command as the JSON API, then redirects
 * back (POST/redirect/GET); a bad form re-renders the page with the problem stated.
 */
export function addUiRoutes(router: Router, ctx: SimContext): void {
  const back = (req: Request, res: Response, athleteId: string | null) => {
    const query = athleteId !== null ? `?athlete=${encodeURIComponent(athleteId)}` : '';
    res.redirect(303, `${req.baseUrl}/ui${query}`);
  };

  const formAction = (run: (req: Request) => string | null) => (req: Request, res: Response) => {
    try {
      back(req, res, run(req));
    } catch (err) {
      if (!(err instanceof SimError)) throw err;
      const selectedId = typeof req.params.id === 'string' ? req.params.id : null;
      res
        .status(err.status)
        .type('html')
        .send(renderControlPage(ctx, { base: req.baseUrl, selectedId, error: err.message }));
    }
  };

  router.get('/ui', (req, res) => {
    res
      .type('html')
      .send(renderControlPage(ctx, { base: req.baseUrl, selectedId: readQuery(req, 'athlete') ?? null }));
  });

  router.post(
    '/ui/athletes',
    formAction((req) => {
      const input = parseBody(ZCreateAthlete, {
        firstname: readParam(req, 'firstname') ?? '',
        lastname: optionalText(req, 'lastname'),
      });
      return addAthlete(ctx.state, ctx.clock, input).id;
    }),
  );

  router.post(
    '/ui/athletes/:id/shoes',
    formAction((req) => {
      const athleteId = String(req.params.id);
      const input = parseBody(ZCreateShoe, {
        name: readParam(req, 'name') ?? '',
        distance: metersFrom(req, 'distanceKm'),
        primary: readParam(req, 'primary') === 'true' ? true : undefined,
      });
      addShoe(ctx.state, ctx.clock, athleteId, input);
      return athleteId;
    }),
  );

  router.post(
    '/ui/shoes/:id',
    formAction(
      (req) =>
        updateShoe(
          ctx.state,
          String(req.params.id),
          parseBody(ZUpdateShoe, { distance: metersFrom(req, 'distanceKm') }),
        ).athlete_id,
    ),
  );

  router.post(
    '/ui/athletes/:id/activities',
    formAction((req) => {
      const athlete = requireAthlete(ctx.state, String(req.params.id));
      const distance = metersFrom(req, 'distanceKm');
      if (distance === undefined || !(distance > 0))
        throw new SimError(400, 'distance: give a distance in km');
      const movingTime = Math.round((distance / 1000) * paceSecondsPerKm(optionalText(req, 'pace')));
      const startLocal = optionalText(req, 'startLocal');
      const startMs = startLocal !== undefined ? wallClockToUtcMs(athlete.timezone, startLocal) : null;
      if (startLocal !== undefined && startMs === null)
        throw new SimError(400, 'start: use the date and time picker');
      const { notify: _n, ...input } = parseBody(ZCreateActivity, {
        athleteId: athlete.id,
        distance,
        moving_time: movingTime,
        elapsed_time: movingTime,
        // Without a start, the run ends now (and, like every activity added here, is uploaded now).
        start_date: new Date(startMs ?? ctx.clock.nowMs() - movingTime * 1000).toISOString(),
        sport_type: optionalText(req, 'sport_type'),
        gear_id: optionalText(req, 'gear_id') ?? null,
        name: optionalText(req, 'name'),
        average_heartrate: optionalNumber(req, 'averageHeartrate'),
        visibility: optionalText(req, 'visibility'),
      });
      createActivity(ctx, input);
      return athlete.id;
    }),
  );

  router.post(
    '/ui/activities/:id/delete',
    formAction((req) => deleteActivity(ctx, String(req.params.id)).value.athlete_id),
  );

  router.post(
    '/ui/athletes/:id/revoke',
    formAction((req) => {
      const athleteId = String(req.params.id);
      revokeAccess(ctx, athleteId);
      return athleteId;
    }),
  );
}
