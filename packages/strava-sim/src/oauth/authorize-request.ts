import type { Request } from 'express';
import type { SimContext } from '../context.js';
import { readParam } from '../params.js';
import { isKnownScope, parseScopeList } from '../scopes.js';
import type { SimApplication } from '../state.js';
import { FAULTS, type StravaFault } from '../strava-errors.js';

export type AuthorizeRequest = {
  app: SimApplication;
  redirectUri: string;
  scopes: string[];
  state: string;
  approvalPrompt: 'auto' | 'force';
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** localhost and 127.0.0.1 always; otherwise the app's callback domain or a subdomain of it. */
export function isAllowedRedirect(app: SimApplication, redirectUri: string): boolean {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  const domain = app.callbackDomain.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || host === domain || host.endsWith(`.${domain}`);
}

/** Validates the authorize parameters (from the query on GET, the form on POST). */
export function parseAuthorizeRequest(
  ctx: SimContext,
  req: Request,
): { ok: true; value: AuthorizeRequest } | { ok: false; fault: StravaFault } {
  const clientId = readParam(req, 'client_id');
  const app = clientId !== undefined ? ctx.state.applications.get(clientId) : undefined;
  if (!app) return { ok: false, fault: FAULTS.invalidClientId };
  const redirectUri = readParam(req, 'redirect_uri');
  if (redirectUri === undefined || !isAllowedRedirect(app, redirectUri)) {
    return { ok: false, fault: FAULTS.invalidRedirectUri };
  }
  if (readParam(req, 'response_type') !== 'code') return { ok: false, fault: FAULTS.invalidResponseType };
  const scopes = parseScopeList(readParam(req, 'scope') ?? 'read');
  if (scopes.length === 0 || !scopes.every(isKnownScope)) return { ok: false, fault: FAULTS.invalidScope };
  return {
    ok: true,
    value: {
      app,
      redirectUri,
      scopes,
      state: readParam(req, 'state') ?? '',
      approvalPrompt: readParam(req, 'approval_prompt') === 'force' ? 'force' : 'auto',
    },
  };
}

/** The redirect back to the app, keeping any query the redirect_uri already had. */
export function buildRedirect(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
