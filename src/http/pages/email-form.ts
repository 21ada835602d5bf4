import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps.js';
import type { AddressHoldReason } from '../../email/address/address-hold-reason.js';
import { requestEmailVerification } from '../../email/verification/request-email-verification.js';
import {
  EmailLimitUnavailableError,
  EmailRateLimitedError,
} from '../../email/verification/verification-limits.js';
import { AppError } from '../../shared/errors.js';
import { html, type SafeHtml } from './html.js';
import { formField, pageRunnerId } from './page-session.js';

/** The checkbox a runner ticks to have an address on hold (bounced, unsubscribed) mailed again. */
export const CONFIRM_HELD_FIELD = 'confirm_held';

export type EmailFormInput = {
  /** Where the form posts (a page route that calls `requestEmailVerification`). */
  action: string;
  /** Prefilled value (the current or the just-rejected address). */
  value?: string | null;
  error?: string | null;
  /** Show the "yes, mail this address again" checkbox (the address is on hold). */
  confirmHeld?: boolean;
  submitLabel: string;
};

/** The email address form of onboarding and settings: one labelled field, errors announced. */
export function emailForm({ action, value, error, confirmHeld, submitLabel }: EmailFormInput): SafeHtml {
  return html`<form method="post" action="${action}" novalidate>
<div class="field">
<label for="email">Email address</label>
${error ? html`<p class="error" id="email-error" role="alert">${error}</p>` : ''}
<input type="email" id="email" name="email" autocomplete="email" required maxlength="254" value="${value ?? ''}"${error ? html` aria-invalid="true" aria-describedby="email-error"` : ''}>
</div>
${
  confirmHeld
    ? html`<div class="field"><label class="choice" for="${CONFIRM_HELD_FIELD}"><input type="checkbox" id="${CONFIRM_HELD_FIELD}" name="${CONFIRM_HELD_FIELD}" value="yes"> Yes, this is my address: send a confirmation link to it again</label></div>`
    : ''
}
<button type="submit">${submitLabel}</button>
</form>`;
}

/** A rejected submission, re-shown on the form with its error and the page's status. */
export type EmailFormError = {
  value: string;
  error: string;
  status: 400 | 409 | 429 | 503;
  confirmHeld: boolean;
  retryAfterSeconds?: number;
};

export type EmailSubmission =
  | { ok: true; status: 'queued' | 'already-queued' | 'already-verified' }
  | ({ ok: false } & EmailFormError);

const HELD_MESSAGES: Record<AddressHoldReason, string> = {
  bounced: 'Emails to this address bounced before, so RampGuard will not send to it again on its own.',
  unsubscribed:
    'This address unsubscribed from RampGuard emails, so RampGuard will not send to it again on its own.',
};

/**
 * The page twin of `PUT /api/me/email`: the same use case, so the rules
 * (verification email, limits, holds, same verified address changes nothing)
 * are one.
 */
export async function submitEmail(deps: AppDeps, req: Request): Promise<EmailSubmission> {
  const value = (formField(req, 'email') ?? '').trim().slice(0, 254);
  const failed = (error: string, status: EmailFormError['status'], extra: Partial<EmailFormError> = {}) =>
    ({ ok: false, value, error, status, confirmHeld: false, ...extra }) as const;
  if (value === '') return failed('Enter your email address.', 400);
  try {
    const result = await requestEmailVerification(deps, pageRunnerId(req), value, {
      confirmHeldAddress: formField(req, CONFIRM_HELD_FIELD) === 'yes',
    });
    if (result.status === 'needs-confirmation') {
      return failed(`${HELD_MESSAGES[result.hold]} Tick the box to confirm you want it used again.`, 409, {
        confirmHeld: true,
      });
    }
    return { ok: true, status: result.status };
  } catch (err) {
    if (err instanceof EmailRateLimitedError) {
      return failed(err.message, 429, { retryAfterSeconds: err.retryAfterSeconds });
    }
    if (err instanceof EmailLimitUnavailableError) return failed(err.message, 503);
    if (err instanceof AppError && err.code === 'invalid_email') {
      return failed('That does not look like an email address. Check it and try again.', 400);
    }
    throw err;
  }
}

/** A refused-for-now form answer says when to come back, like every other 429. */
export function setRetryAfter(res: Response, form: EmailFormError | null): void {
  if (form?.retryAfterSeconds) res.set('Retry-After', String(form.retryAfterSeconds));
}
