import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { loadRunner, type RunnerRow } from '../../app/runner/load-runner.js';
import { type EmailFormError, emailForm, setRetryAfter, submitEmail } from './email-form.js';
import { html, type SafeHtml } from './html.js';
import { importProgress, isImporting } from './import-progress.js';
import { SANDBOX_MAIL_PATH, sendPrivatePage } from './layout.js';
import { missingScopesNotice } from './missing-scopes.js';
import { pageForm, pageRunnerId, pageSession, siteOf } from './page-session.js';
import { stravaAccessNotice } from './strava-access-notice.js';

const PATH = '/onboarding';
/** Reload interval while the history import runs (no JavaScript needed). */
const REFRESH_SECONDS = 5;

type FormState = EmailFormError | null;

/** Sandbox mode sends no real email: the message is in the sandbox mailbox (docs/sandbox.md#sandbox-mail). */
function sandboxMailLink(sandbox: boolean): SafeHtml {
  if (!sandbox) return html``;
  return html`<p><strong>Sandbox mode:</strong> no email leaves this machine. <a class="button secondary" href="${SANDBOX_MAIL_PATH}">Open the sandbox mailbox</a></p>`;
}

function emailSection(runner: RunnerRow, form: FormState, sandbox: boolean): SafeHtml {
  if (runner.email && runner.emailVerifiedAt && !form) {
    return html`<section class="card notice-ok" aria-labelledby="email-title">
<h2 id="email-title">Email confirmed</h2>
<p>RampGuard will email <strong>${runner.email}</strong> when your plan changes.</p>
</section>`;
  }
  if (runner.email && !form) {
    return html`<section class="card notice" aria-labelledby="email-title">
<h2 id="email-title">Check your inbox</h2>
<p role="status">We sent a confirmation link to <strong>${runner.email}</strong>. Open it and press the button to confirm; RampGuard emails you only after that.</p>
${sandboxMailLink(sandbox)}
<details><summary>Wrong address, or nothing arrived?</summary>
${emailForm({ action: `${PATH}/email`, value: runner.email, submitLabel: 'Send the link again' })}
</details>
</section>`;
  }
  return html`<section class="card" aria-labelledby="email-title">
<h2 id="email-title">Where should alerts go?</h2>
<p>Strava never shares your email address, so RampGuard asks for it. You get an email only when your plan changes (at most one alert a day), plus a confirmation link now.</p>
${emailForm({ action: `${PATH}/email`, value: form?.value ?? runner.email, error: form?.error ?? null, confirmHeld: form?.confirmHeld ?? false, submitLabel: 'Send confirmation link' })}
</section>`;
}

function render(deps: AppDeps, req: Request, res: Response, runner: RunnerRow, form: FormState): void {
  // Reload for progress only once the email form is done with: a reload would wipe what the runner types.
  const refresh = isImporting(runner) && runner.email !== null && !form;
  setRetryAfter(res, form);
  sendPrivatePage(res, form?.status ?? 200, {
    title: runner.firstname ? `Welcome, ${runner.firstname}` : 'Welcome to RampGuard',
    ...siteOf(deps, req),
    ...(refresh ? { refreshSeconds: REFRESH_SECONDS } : {}),
    body: html`<p class="lead">${
      runner.emailVerifiedAt && !form
        ? 'You are connected and your email is confirmed: your knee plan is ready.'
        : 'You are connected. Confirm an email address and your knee plan is ready; your history is read meanwhile.'
    }</p>
${stravaAccessNotice(runner)}
${emailSection(runner, form, deps.config.sandbox)}
${
  runner.stravaRefusal
    ? ''
    : html`<section class="card" aria-labelledby="import-title">
<h2 id="import-title">Your running history</h2>
${importProgress(runner, PATH)}
</section>
${missingScopesNotice(runner.scopes)}`
}
<p><a class="button" href="/plan">See my plan</a></p>`,
  });
}

/** `GET /onboarding` and `POST /onboarding/email` (docs/contract.md#connect, after the return from Strava). */
export function onboardingRoutes(deps: AppDeps): { show: RequestHandler[]; submit: RequestHandler[] } {
  const show: RequestHandler = async (req, res) => {
    const runner = await loadRunner(deps.db, pageRunnerId(req));
    if (!runner) return void res.redirect(303, '/');
    render(deps, req, res, runner, null);
  };
  const submit: RequestHandler = async (req, res) => {
    const result = await submitEmail(deps, req);
    if (result.ok) return void res.redirect(303, PATH);
    const runner = await loadRunner(deps.db, pageRunnerId(req));
    if (!runner) return void res.redirect(303, '/');
    render(deps, req, res, runner, result);
  };
  return { show: [...pageSession(deps), show], submit: [...pageForm(deps), submit] };
}
