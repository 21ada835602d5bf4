import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../../../app/deps.js';
import { loadRunner, type RunnerRow } from '../../../app/runner/load-runner.js';
import { type EmailFormError, emailForm, setRetryAfter } from '../email-form.js';
import { html, type SafeHtml } from '../html.js';
import { SANDBOX_MAIL_PATH, sendPrivatePage } from '../layout.js';
import { pageRunnerId, pageSession, siteOf } from '../page-session.js';

const SAVED: Record<string, string> = {
  email: 'Check your inbox: we sent a confirmation link to your new address.',
  units: 'Units saved.',
  alerts: 'Email alert setting saved.',
  calendar:
    'Your calendar link was reset: the old one no longer works. Subscribe to the new one from your plan page.',
};

function emailStatus(runner: RunnerRow): string {
  if (!runner.email) return 'No address yet: RampGuard cannot email you.';
  if (!runner.emailVerifiedAt) return 'Waiting for you to confirm it from the link we sent.';
  if (runner.emailSuppressedAt)
    return 'Emails to it bounced; enter it again (you will be asked to confirm it) or use another address.';
  if (runner.unsubscribedAt) return 'You unsubscribed from emails.';
  return 'Confirmed.';
}

function emailCard(runner: RunnerRow, form: EmailFormError | null): SafeHtml {
  return html`<section class="card" aria-labelledby="email-title">
<h2 id="email-title">Email</h2>
<p>${runner.email ? html`<strong>${runner.email}</strong>: ` : ''}${emailStatus(runner)}</p>
<p class="small muted">A new address must be confirmed again before RampGuard emails it.</p>
${emailForm({ action: '/settings/email', value: form?.value ?? runner.email, error: form?.error ?? null, confirmHeld: form?.confirmHeld ?? false, submitLabel: 'Save and send confirmation link' })}
</section>`;
}

function radio(name: string, value: string, label: string, checked: boolean): SafeHtml {
  const id = `${name}-${value}`;
  return html`<label class="choice" for="${id}"><input type="radio" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ''}> ${label}</label>`;
}

function unitsCard(runner: RunnerRow): SafeHtml {
  return html`<section class="card" aria-labelledby="units-title">
<h2 id="units-title">Units</h2>
<form method="post" action="/settings/units">
<fieldset><legend>Show distances in</legend>
${radio('units', 'metric', 'Kilometres (km)', runner.units === 'metric')}
${radio('units', 'imperial', 'Miles (mi)', runner.units === 'imperial')}
</fieldset>
<button type="submit">Save units</button>
</form>
</section>`;
}

function alertsCard(runner: RunnerRow): SafeHtml {
  const on = runner.alertsEnabled && !runner.unsubscribedAt;
  return html`<section class="card" aria-labelledby="alerts-title">
<h2 id="alerts-title">Email alerts</h2>
<form method="post" action="/settings/alerts">
<fieldset><legend>Email me when my plan changes</legend>
${radio('alerts', 'on', 'On (at most one alert a day)', on)}
${radio('alerts', 'off', 'Off (changes show on the plan page only)', !on)}
</fieldset>
<button type="submit">Save alerts</button>
</form>
</section>`;
}

function calendarCard(): SafeHtml {
  return html`<section class="card" aria-labelledby="calendar-title">
<h2 id="calendar-title">Calendar link</h2>
<p>Your plan page has a private calendar feed link. If you shared it by mistake, reset it: the old link stops working at once, and so do the unsubscribe links in earlier emails (new emails carry new ones).</p>
<form class="inline" method="post" action="/settings/calendar-link"><button type="submit" class="secondary">Reset my calendar link</button></form>
</section>`;
}

function accountCard(): SafeHtml {
  return html`<section class="card" aria-labelledby="account-title">
<h2 id="account-title">Your data and account</h2>
<p><a href="/account/export">Download all your data (JSON)</a></p>
<form class="inline" method="post" action="/auth/logout"><button type="submit" class="secondary">Log out</button></form>
<h3>Disconnect from Strava</h3>
<p>Revokes RampGuard's access to your Strava account and deletes everything RampGuard holds about you: runs, plan, history and email address.</p>
<p><a class="button secondary" href="/settings/disconnect">Disconnect and delete my data…</a></p>
</section>`;
}

/** Renders the settings page; `form` re-shows a rejected email address with its error. */
export function renderSettings(
  deps: AppDeps,
  req: Request,
  res: Response,
  runner: RunnerRow,
  form: EmailFormError | null,
): void {
  const saved = typeof req.query.saved === 'string' ? SAVED[req.query.saved] : undefined;
  setRetryAfter(res, form);
  sendPrivatePage(res, form?.status ?? 200, {
    title: 'Settings',
    ...siteOf(deps, req),
    body: html`${saved && !form ? html`<p class="card notice-ok" role="status">${saved}${req.query.saved === 'email' && deps.config.sandbox ? html` <a href="${SANDBOX_MAIL_PATH}">Open the sandbox mailbox</a>` : ''}</p>` : ''}
${emailCard(runner, form)}
${unitsCard(runner)}
${alertsCard(runner)}
${calendarCard()}
${accountCard()}`,
  });
}

/** `GET /settings`. */
export function settingsPage(deps: AppDeps): RequestHandler[] {
  const show: RequestHandler = async (req, res) => {
    const runner = await loadRunner(deps.db, pageRunnerId(req));
    if (!runner) return void res.redirect(303, '/');
    renderSettings(deps, req, res, runner, null);
  };
  return [...pageSession(deps), show];
}
