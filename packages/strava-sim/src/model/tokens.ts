import type { SimClock } from '../clock.js';
import { createOpaqueToken } from '../ids.js';
import {
  type AccessTokenRecord,
  type AuthorizationCode,
  authorizationKey,
  type SimAuthorization,
  type SimState,
} from '../state.js';

export type TokenGrant = {
  accessToken: string;
  refreshToken: string;
  expiresAtMs: number;
};

/** With more than this left, a refresh hands back the same access token (docs/strava-api.md#refresh-and-rotation). */
const REUSE_THRESHOLD_MS = 3_600_000;

function mintAccessToken(state: SimState, auth: SimAuthorization, expiresAtMs: number): AccessTokenRecord {
  const record = {
    token: createOpaqueToken(),
    clientId: auth.clientId,
    athleteId: auth.athleteId,
    expiresAtMs,
  };
  state.accessTokens.set(record.token, record);
  auth.accessTokens.push(record.token);
  return record;
}

function rotateRefreshToken(state: SimState, auth: SimAuthorization): string {
  state.refreshTokens.delete(auth.refreshToken);
  auth.refreshToken = createOpaqueToken();
  state.refreshTokens.set(auth.refreshToken, { clientId: auth.clientId, athleteId: auth.athleteId });
  return auth.refreshToken;
}

/**
 * A (re)authorization: the grant's scopes replace the previous ones, a fresh access token is
 * minted and the refresh token rotates. `lifetimeSeconds` overrides the configured lifetime.
 */
export function grantAuthorization(
  state: SimState,
  clock: SimClock,
  clientId: string,
  athleteId: string,
  scopes: string[],
  lifetimeSeconds = state.settings.tokenLifetimeSeconds,
): TokenGrant {
  const key = authorizationKey(clientId, athleteId);
  let auth = state.authorizations.get(key);
  if (!auth) {
    auth = {
      clientId,
      athleteId,
      scopes,
      refreshToken: '',
      accessTokens: [],
      createdAt: clock.now().toISOString(),
    };
    state.authorizations.set(key, auth);
  }
  auth.scopes = [...scopes];
  const access = mintAccessToken(state, auth, clock.nowMs() + lifetimeSeconds * 1000);
  const refreshToken = rotateRefreshToken(state, auth);
  return { accessToken: access.token, refreshToken, expiresAtMs: access.expiresAtMs };
}

/** Strava's refresh rule; `null` when the refresh token is unknown, stale or for another app. */
export function refreshAuthorization(
  state: SimState,
  clock: SimClock,
  clientId: string,
  refreshToken: string,
): TokenGrant | null {
  const owner = state.refreshTokens.get(refreshToken);
  if (!owner || owner.clientId !== clientId) return null;
  const auth = state.authorizations.get(authorizationKey(owner.clientId, owner.athleteId));
  if (!auth || auth.refreshToken !== refreshToken) return null;
  const nowMs = clock.nowMs();
  const newest = auth.accessTokens
    .map((token) => state.accessTokens.get(token))
    .filter((r): r is AccessTokenRecord => r !== undefined)
    .sort((a, b) => b.expiresAtMs - a.expiresAtMs)[0];
  const access =
    newest && newest.expiresAtMs - nowMs > REUSE_THRESHOLD_MS
      ? newest
      : mintAccessToken(state, auth, nowMs + state.settings.tokenLifetimeSeconds * 1000);
  return {
    accessToken: access.token,
    refreshToken: rotateRefreshToken(state, auth),
    expiresAtMs: access.expiresAtMs,
  };
}

/** A token that exists and has not expired; revoked tokens no longer exist at all. */
export function findUsableToken(state: SimState, clock: SimClock, token: string): AccessTokenRecord | null {
  const record = state.accessTokens.get(token);
  if (!record || record.expiresAtMs <= clock.nowMs()) return null;
  return record;
}

export function findAuthorization(
  state: SimState,
  clientId: string,
  athleteId: string,
): SimAuthorization | null {
  return state.authorizations.get(authorizationKey(clientId, athleteId)) ?? null;
}

/** Deletes the grant and every token of it; `false` when there was nothing to revoke. */
export function revokeAuthorization(state: SimState, clientId: string, athleteId: string): boolean {
  const key = authorizationKey(clientId, athleteId);
  const auth = state.authorizations.get(key);
  if (!auth) return false;
  for (const token of auth.accessTokens) state.accessTokens.delete(token);
  state.refreshTokens.delete(auth.refreshToken);
  state.authorizations.delete(key);
  return true;
}

/** Makes every access token of the athlete (optionally for one app) expire now. */
export function expireAccessTokens(
  state: SimState,
  clock: SimClock,
  athleteId: string,
  clientId?: string,
): number {
  let count = 0;
  const nowMs = clock.nowMs();
  for (const record of state.accessTokens.values()) {
    if (record.athleteId !== athleteId) continue;
    if (clientId !== undefined && record.clientId !== clientId) continue;
    if (record.expiresAtMs > nowMs) {
      record.expiresAtMs = nowMs;
      count++;
    }
  }
  return count;
}

export function createAuthorizationCode(
  state: SimState,
  clock: SimClock,
  clientId: string,
  athleteId: string,
  scopes: string[],
): AuthorizationCode {
  const code: AuthorizationCode = {
    code: createOpaqueToken(),
    clientId,
    athleteId,
    scopes,
    expiresAtMs: clock.nowMs() + state.settings.codeLifetimeSeconds * 1000,
  };
  state.codes.set(code.code, code);
  return code;
}

/** Single use: the code is gone after the first attempt, successful or not. */
export function consumeAuthorizationCode(
  state: SimState,
  clock: SimClock,
  code: string,
  clientId: string,
): AuthorizationCode | null {
  const record = state.codes.get(code);
  if (!record) return null;
  state.codes.delete(code);
  if (record.clientId !== clientId || record.expiresAtMs <= clock.nowMs()) return null;
  if (!state.athletes.has(record.athleteId)) return null;
  return record;
}
