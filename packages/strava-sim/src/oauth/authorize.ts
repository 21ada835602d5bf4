import type { Request, Response } from 'express';
import type { SimContext } from '../context.js';
import { isAtCapacity } from '../model/applications.js';
import { addAthlete } from '../model/athletes.js';
import { createAuthorizationCode, findAuthorization } from '../model/tokens.js';
import { readParam, readParamList } from '../params.js';
import { sendJson } from '../strava-errors.js';
import { type AuthorizeRequest, buildRedirect, parseAuthorizeRequest } from './authorize-request.js';
import { NEW_ATHLETE, renderCapacityPage, renderConsentPage } from './consent-page.js';

/** Stands in for "logged in to strava.com": remembers which simulated athlete the browser is. */
const ATHLETE_COOKIE = 'sim_athlete';

function readAthleteCookie(req: Request): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === ATHLETE_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

function redirectWithCode(
  ctx: SimContext,
  res: Response,
  request: AuthorizeRequest,
  athleteId: string,
  scopes: string[],
) {
  const code = createAuthorizationCode(ctx.state, ctx.clock, request.app.clientId, athleteId, scopes);
  res.cookie(ATHLETE_COOKIE, athleteId, { httpOnly: true, sameSite: 'lax', path: '/' });
  res.redirect(
    302,
    buildRedirect(request.redirectUri, { state: request.state, code: code.code, scope: scopes.join(',') }),
  );
}

function sendConsentPage(
  ctx: SimContext,
  res: Response,
  request: AuthorizeRequest,
  selected: string | null,
  error?: string,
) {
  const athletes = [...ctx.state.athletes.values()];
  res
    .status(error ? 400 : 200)
    .type('html')
    .send(renderConsentPage({ request, athletes, selectedAthleteId: selected, error }));
}

/**
 * GET: validate, then show the consent page. With approval_prompt=auto (the default) a browser
 * whose athlete already granted every requested scope goes straight back with a code, as on
 * Strava; `force` always shows the page.
 */
export function showAuthorize(ctx: SimContext) {
  return (req: Request, res: Response) => {
    const parsed = parseAuthorizeRequest(ctx, req);
    if (!parsed.ok) return sendJson(res, 400, parsed.fault);
    const request = parsed.value;
    const remembered = readAthleteCookie(req);
    const athleteId = remembered !== null && ctx.state.athletes.has(remembered) ? remembered : null;
    if (athleteId !== null && request.approvalPrompt === 'auto') {
      const existing = findAuthorization(ctx.state, request.app.clientId, athleteId);
      if (existing && request.scopes.every((s) => existing.scopes.includes(s))) {
        return redirectWithCode(ctx, res, request, athleteId, request.scopes);
      }
    }
    sendConsentPage(ctx, res, request, athleteId);
  };
}

/** POST from the consent form: deny → error=access_denied; approve → code + granted scopes. */
export function decideAuthorize(ctx: SimContext) {
  return (req: Request, res: Response) => {
    const parsed = parseAuthorizeRequest(ctx, req);
    if (!parsed.ok) return sendJson(res, 400, parsed.fault);
    const request = parsed.value;
    if (readParam(req, 'decision') !== 'approve') {
      return res.redirect(
        302,
        buildRedirect(request.redirectUri, { state: request.state, error: 'access_denied' }),
      );
    }
    const choice = readParam(req, 'athlete_id') ?? NEW_ATHLETE;
    let athleteId: string;
    if (choice === NEW_ATHLETE) {
      const firstname = (readParam(req, 'new_athlete_firstname') ?? '').trim();
      if (!firstname)
        return sendConsentPage(ctx, res, request, NEW_ATHLETE, 'Enter a first name for the new athlete.');
      athleteId = addAthlete(ctx.state, ctx.clock, { firstname: firstname.slice(0, 60) }).id;
    } else if (ctx.state.athletes.has(choice)) {
      athleteId = choice;
    } else {
      return sendConsentPage(ctx, res, request, null, 'That athlete does not exist.');
    }
    if (isAtCapacity(ctx.state, request.app, athleteId)) {
      // Strava stops here: the runner sees an error and the app never gets a code.
      return res.status(403).type('html').send(renderCapacityPage(request.app.name));
    }
    // Users can untick scopes: the redirect reports what was actually granted (docs/strava-api.md#authorize).
    const granted = request.scopes.filter((s) => readParamList(req, 'scope_granted').includes(s));
    redirectWithCode(ctx, res, request, athleteId, granted);
  };
}
