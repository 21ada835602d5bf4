import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { SimContext } from './context.js';
import { readParam } from './params.js';
import type { SimApplication } from './state.js';
import { FAULTS, type StravaFault } from './strava-errors.js';

export type CredentialCheck =
  | { ok: true; app: SimApplication }
  | { ok: false; status: 400 | 401; fault: StravaFault };

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** client_id + client_secret from form, JSON or query: unknown id → 400, wrong secret → 401. */
export function checkAppCredentials(ctx: SimContext, req: Request): CredentialCheck {
  const clientId = readParam(req, 'client_id');
  const app = clientId !== undefined ? ctx.state.applications.get(clientId) : undefined;
  if (!app) return { ok: false, status: 400, fault: FAULTS.invalidClientId };
  const secret = readParam(req, 'client_secret') ?? '';
  if (!sameSecret(secret, app.clientSecret))
    return { ok: false, status: 401, fault: FAULTS.invalidClientSecret };
  return { ok: true, app };
}
