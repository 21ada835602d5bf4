import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Config } from '../config.js';
import { AppError } from '../shared/errors.js';
import { html } from './pages/html.js';
import { sendPage } from './pages/layout.js';
import { readSessionId } from './session/load-session.js';

type ErrorPageConfig = Config;

/** docs/contract.md#http-routes: JSON errors are `{ error: { code, message } }`. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** The 404 of every route; pages get RampGuard's layout (navigation, sandbox banner). */
export function notFound(config: ErrorPageConfig): RequestHandler {
  return (req, res) => {
    if (wantsJson(req.path)) res.status(404).json(errorBody('not_found', 'Not found'));
    else sendErrorPage(config, req, res, 404, 'Page not found', 'There is no page at this address.');
  };
}

export function wantsJson(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/webhooks/') || path.startsWith('/account/export');
}

/**
 * The one place errors become responses. Known AppErrors keep their code and
 * message; anything else is logged and answered with a generic 500 so no
 * internal detail (or secret) leaks into a response.
 */
export function handleErrors(config: ErrorPageConfig): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = statusOf(err);
    const code = err instanceof AppError ? err.code : status === 500 ? 'internal' : codeForStatus(status);
    const message =
      err instanceof AppError
        ? err.message
        : status === 500
          ? 'Something went wrong'
          : messageForStatus(status);
    if (status >= 500) req.log?.error({ err }, 'request failed');
    if (res.headersSent) return;
    if (wantsJson(req.path)) res.status(status).json(errorBody(code, message));
    else
      sendErrorPage(
        config,
        req,
        res,
        status,
        status >= 500 ? 'Something went wrong' : 'Request refused',
        message,
      );
  };
}

/**
 * Error pages carry the navigation when the visitor holds a validly signed
 * session cookie: checked without the database, which may be why the request failed.
 */
function sendErrorPage(
  config: ErrorPageConfig,
  req: Request,
  res: Parameters<ErrorRequestHandler>[2],
  status: number,
  title: string,
  message: string,
): void {
  const signedIn = req.runner !== undefined || readSessionId(req, config) !== null;
  sendPage(res, status, {
    title,
    sandbox: config.sandbox,
    signedIn,
    body: html`<p>${message}</p><p><a href="${signedIn ? '/plan' : '/'}">${signedIn ? 'Back to your plan' : 'Back to RampGuard'}</a></p>`,
  });
}

function statusOf(err: unknown): number {
  if (err instanceof AppError) return err.status;
  const status =
    (err as { status?: unknown; statusCode?: unknown })?.status ??
    (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

// body-parser errors carry a status but messages meant for developers; answer with stable codes.
function codeForStatus(status: number): string {
  return { 400: 'bad_request', 413: 'payload_too_large', 415: 'unsupported_media_type' }[status] ?? 'error';
}

function messageForStatus(status: number): string {
  return (
    { 400: 'Malformed request body', 413: 'Request body too large', 415: 'Unsupported content type' }[
      status
    ] ?? 'Request failed'
  );
}
