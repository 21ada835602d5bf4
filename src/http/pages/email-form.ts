import type { Request } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { requestEmailVerification } from '../../app/email/request-email-verification.js';
import { AppError } from '../../shared/errors.js';
import { html, type SafeHtml } from './html.js';
import { formField, pageRunnerId } from './page-session.js';

export type EmailFormInput = {
  /** Where the form posts (a page route that calls `requestEmailVerification`). */
  action: string;
  /** Prefilled value (the current or the just-rejected address). */
  value?: string | null;
  error?: string | null;
  submitLabel: string;
};

/** The email address form of onboarding and settings: one labelled field, errors announced. */
export function emailForm({ action, value, error, submitLabel }: EmailFormInput): SafeHtml {
  return html`<form method="post" action="${action}" novalidate>
<div class="field">
<label for="email">Email address</label>
${error ? html`<p class="error" id="email-error" role="alert">${error}</p>` : ''}
<input type="email" id="email" name="email" autocomplete="email" required maxlength="254" value="${value ?? ''}"${error ? html` aria-invalid="true" aria-describedby="email-error"` : ''}>
</div>
<button type="submit">${submitLabel}</button>
</form>`;
}

export type EmailSubmission =
  | { ok: true; status: 'queued' | 'already-queued' | 'already-verified' }
  | { ok: false; value: string; error: string };

/**
 * The page twin of `PUT /api/me/email`: the same use case, so the rules
 * (verification email, same verified address changes nothing) are one.
 */
export async function submitEmail(deps: AppDeps, req: Request): Promise<EmailSubmission> {
  const value = (formField(req, 'email') ?? '').trim().slice(0, 254);
  if (value === '') return { ok: false, value, error: 'Enter your email address.' };
  try {
    const result = await requestEmailVerification(deps, pageRunnerId(req), value);
    return { ok: true, status: result.status };
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_email') {
      return { ok: false, value, error: 'That does not look like an email address. Check it and try again.' };
    }
    throw err;
  }
}
