import express, { type Request, type RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { requireSameOrigin } from '../account/require-same-origin.js';
import { loadSession } from '../session/load-session.js';
import type { PageInput } from './layout.js';
import '../session/session-runner.js';

/** Small form bodies only: the largest form is an email address. */
const parseForm = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 20 });

/** A page for signed-in runners: without a session the browser goes to the start page. */
export function pageSession(deps: AppDeps): RequestHandler[] {
  const redirectAnonymous: RequestHandler = (req, res, next) => {
    if (req.runner) return next();
    res.set('Cache-Control', 'no-store').redirect(303, '/');
  };
  return [loadSession(deps), redirectAnonymous];
}

/**
 * A form post that changes a signed-in runner's data: same-origin check
 * first (CSRF, docs/access.md), then the session, then the small body.
 */
export function pageForm(deps: AppDeps): RequestHandler[] {
  return [requireSameOrigin(deps.config), ...pageSession(deps), parseForm];
}

/** The runner id of a request that passed `pageSession`. */
export function pageRunnerId(req: Request): string {
  if (!req.runner) throw new Error('pageSession must run before pageRunnerId');
  return req.runner.id;
}

/** The layout fields every page takes from the deployment and the request. */
export function siteOf(deps: AppDeps, req: Request): Pick<PageInput, 'sandbox' | 'signedIn'> {
  return { sandbox: deps.config.sandbox, signedIn: req.runner !== undefined };
}

/** A single string form field (arrays and missing values are undefined). */
export function formField(req: Request, name: string): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : undefined;
}
