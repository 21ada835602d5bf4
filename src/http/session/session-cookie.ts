import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import { SESSION_ABSOLUTE_MS } from '../../app/session/session-policy.js';
import type { Config } from '../../config.js';

type CookieConfig = Pick<Config, 'publicUrl'>;

/** True when the service is reached over HTTPS: cookies are then Secure and `__Host-` prefixed. */
export function isHttps(config: CookieConfig): boolean {
  return config.publicUrl.startsWith('https:');
}

/**
 * `__Host-` makes the browser refuse the cookie unless it is Secure, has
 * Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it.
 */
export function hostCookieName(config: CookieConfig, base: string): string {
  return isHttps(config) ? `__Host-${base}` : base;
}

export function sessionCookieName(config: CookieConfig): string {
  return hostCookieName(config, 'rg_session');
}

/**
 * HttpOnly (no script access), SameSite=Lax (sent on top-level navigations,
 * including the return from Strava, but not on cross-site POSTs), Secure under
 * HTTPS, Path=/ and no Domain (required by the `__Host-` prefix).
 */
export function baseCookieOptions(config: CookieConfig, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(config),
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}

const SIGNING_CONTEXT = 'rampguard-session-cookie.v1';

function mac(id: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(SIGNING_CONTEXT).update('.').update(id).digest();
}

/** `<id>.<hmac>`: a cookie value that was not minted with SESSION_SECRET is rejected before any lookup. */
export function signSessionId(id: string, secret: string): string {
  return `${id}.${mac(id, secret).toString('base64url')}`;
}

export function verifySessionCookie(value: string, secret: string): string | null {
  const dot = value.indexOf('.');
  if (dot <= 0 || dot !== value.lastIndexOf('.') || value.length > 200) return null;
  const id = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  const expected = mac(id, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return id;
}

/**
 * Reads one cookie. Uses `req.cookies` when a cookie parser ran, else parses
 * the header itself, so these helpers work whatever middleware is mounted.
 */
export function readCookie(req: Request, name: string): string | undefined {
  const parsed = (req as Request & { cookies?: Record<string, unknown> }).cookies;
  const fromParser = parsed?.[name];
  if (typeof fromParser === 'string') return fromParser;
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(
  res: Response,
  config: Pick<Config, 'publicUrl' | 'sessionSecret'>,
  id: string,
) {
  res.cookie(
    sessionCookieName(config),
    signSessionId(id, config.sessionSecret),
    baseCookieOptions(config, SESSION_ABSOLUTE_MS),
  );
}

export function clearSessionCookie(res: Response, config: CookieConfig) {
  res.clearCookie(sessionCookieName(config), baseCookieOptions(config));
}
