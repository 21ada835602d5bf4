import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { Request, Response } from 'express';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { oauthStates } from '../../db/schema/index.js';
import { baseCookieOptions, hostCookieName, readCookie } from '../session/session-cookie.js';

/**
 * OAuth `state` (reliability.md E.33): 256 random bits, single use, valid for
 * 10 minutes, stored only as sha256, and bound to the browser that started the
 * sign-in by an HttpOnly, SameSite=Lax cookie (Lax, not Strict: the return
 * from strava.com is a cross-site top-level GET, which Strict would strip).
 * The binding stops login CSRF: a callback URL made in another browser fails.
 */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function stateCookieName(config: Pick<Config, 'publicUrl'>): string {
  return hostCookieName(config, 'rg_oauth_state');
}

/** Creates and stores a state, and binds it to this browser. */
export async function issueOAuthState(
  db: DbOrTx,
  config: Pick<Config, 'publicUrl'>,
  res: Response,
  now: Date,
): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  await db.insert(oauthStates).values({
    stateHash: hashState(state),
    expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_MS),
  });
  res.cookie(stateCookieName(config), state, baseCookieOptions(config, OAUTH_STATE_TTL_MS));
  return state;
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when `state` matches this browser's cookie and an unexpired stored
 * state, which is deleted in the same statement (single use: a replay finds
 * nothing). The cookie is cleared whatever the outcome.
 */
export async function consumeOAuthState(
  db: DbOrTx,
  config: Pick<Config, 'publicUrl'>,
  req: Request,
  res: Response,
  state: string | undefined,
  now: Date,
): Promise<boolean> {
  const bound = readCookie(req, stateCookieName(config));
  res.clearCookie(stateCookieName(config), baseCookieOptions(config));
  if (!state || !bound || !sameString(state, bound)) return false;
  const deleted = await db
    .delete(oauthStates)
    .where(and(eq(oauthStates.stateHash, hashState(state)), gt(oauthStates.expiresAt, now)))
    .returning({ stateHash: oauthStates.stateHash });
  return deleted.length === 1;
}
