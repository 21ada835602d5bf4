import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { rememberOAuthState, useUpOAuthState } from '../../app/session/oauth-states.js';
import type { Config } from '../../config.js';
import { baseCookieOptions, hostCookieName } from '../session/session-cookie.js';

/**
 * OAuth `state` (docs/front-door.md#sign-in): 256 random bits, single use,
 * valid for 10 minutes, stored only as sha256, and bound to the browser that
 * started the sign-in by an HttpOnly, SameSite=Lax cookie (Lax, not Strict: the
 * return from strava.com is a cross-site top-level GET, which Strict would
 * strip). The binding stops login CSRF: a callback URL made in another browser
 * fails.
 *
 * One cookie per state, named after the state's hash: two tabs that start a
 * sign-in each keep their own, so both callbacks work. A browser keeps at most
 * MAX_PENDING_STATES; starting another drops the oldest (an abandoned tab),
 * which also bounds the Cookie header a looping page could build up.
 */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
export const MAX_PENDING_STATES = 8;

const COOKIE_BASE = 'rg_oauth_state_';

type CookieConfig = Pick<Config, 'publicUrl'>;

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function cookiePrefix(config: CookieConfig): string {
  return hostCookieName(config, COOKIE_BASE);
}

/** `rg_oauth_state_<16 hex of the state's hash>`: the state itself never appears in a name. */
function stateCookieName(config: CookieConfig, state: string): string {
  return `${cookiePrefix(config)}${hashState(state).slice(0, 16)}`;
}

/** The cookie value: `<issued at, ms base 36>.<state>`; the time orders pending states. */
function cookieValue(state: string, now: Date): string {
  return `${now.getTime().toString(36)}.${state}`;
}

type PendingState = { name: string; issuedAt: number; state: string };

/** This browser's pending state cookies, parsed from the Cookie header. */
function pendingStates(req: Request, config: CookieConfig): PendingState[] {
  const prefix = cookiePrefix(config);
  const pending: PendingState[] = [];
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    if (eq < 0 || !name.startsWith(prefix)) continue;
    const value = part.slice(eq + 1).trim();
    const dot = value.indexOf('.');
    const issuedAt = Number.parseInt(value.slice(0, dot), 36);
    pending.push({ name, issuedAt: Number.isFinite(issuedAt) ? issuedAt : 0, state: value.slice(dot + 1) });
  }
  return pending;
}

/** Creates and stores a state, and binds it to this browser with its own cookie. */
export async function issueOAuthState(
  db: AppDeps['db'],
  config: CookieConfig,
  req: Request,
  res: Response,
  now: Date,
): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  await rememberOAuthState(db, hashState(state), new Date(now.getTime() + OAUTH_STATE_TTL_MS));
  const pending = pendingStates(req, config).sort((a, b) => a.issuedAt - b.issuedAt);
  for (const old of pending.slice(0, Math.max(0, pending.length - (MAX_PENDING_STATES - 1)))) {
    res.clearCookie(old.name, baseCookieOptions(config));
  }
  res.cookie(
    stateCookieName(config, state),
    cookieValue(state, now),
    baseCookieOptions(config, OAUTH_STATE_TTL_MS),
  );
  return state;
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when this browser holds the cookie for `state` and an unexpired stored
 * state matches, which is deleted in the same statement (single use: a replay
 * finds nothing). That state's cookie is cleared whatever the outcome; other
 * tabs' cookies are left alone.
 */
export async function consumeOAuthState(
  db: AppDeps['db'],
  config: CookieConfig,
  req: Request,
  res: Response,
  state: string | undefined,
  now: Date,
): Promise<boolean> {
  if (!state) return false;
  const name = stateCookieName(config, state);
  const bound = pendingStates(req, config).find((p) => p.name === name);
  res.clearCookie(name, baseCookieOptions(config));
  if (!bound || !sameString(state, bound.state)) return false;
  return useUpOAuthState(db, hashState(state), now);
}
