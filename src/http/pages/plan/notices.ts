import type { RunnerRow } from '../../../app/runner/load-runner.js';
import { PHYSIO_NOTE } from '../../../email/templates/format.js';
import { html, type SafeHtml } from '../html.js';
import { importProgress, isImporting } from '../import-progress.js';
import { missingScopesNotice } from '../missing-scopes.js';
import { stravaAccessNotice } from '../strava-access-notice.js';

/** See-a-physical-therapist advice (docs/contract.md#taper), first thing on the page when it applies. */
export function physioNotice(seePhysio: boolean): SafeHtml {
  if (!seePhysio) return html``;
  return html`<section class="card notice-warn" aria-labelledby="physio-title">
<h2 id="physio-title">See a physical therapist</h2>
<p>${PHYSIO_NOTE}</p>
</section>`;
}

/** Why alerts may not reach the runner, and the one place to fix it. */
function emailNotice(runner: RunnerRow): SafeHtml {
  if (!runner.email || !runner.emailVerifiedAt) {
    return html`<p class="card notice">Email alerts start once you confirm an address. <a href="/onboarding">Add your email address</a></p>`;
  }
  if (runner.unsubscribedAt || runner.emailSuppressedAt) {
    return html`<p class="card notice">RampGuard is not emailing you (you unsubscribed, or the address bounced). Changes still show here. <a href="/settings">Change your email address</a></p>`;
  }
  if (!runner.alertsEnabled) {
    return html`<p class="card notice">Email alerts are off; changes show here only. <a href="/settings">Turn them on</a></p>`;
  }
  return html``;
}

/**
 * Sandbox mode: the simulator no longer holds the runner's grant (its saved
 * state was deleted or reset, docs/sandbox.md), so no webhook will come and no
 * token works; without this the page would look normal and never change.
 */
function forgottenGrantNotice(): SafeHtml {
  return html`<section class="card notice-warn" aria-labelledby="grant-title">
<h2 id="grant-title">Reconnect: the Strava simulator forgot this connection</h2>
<p>The sandbox's Strava simulator no longer knows that you connected RampGuard (its saved state was reset or deleted), so RampGuard will not hear about new runs.</p>
<p><a href="/auth/strava">Reconnect with Strava</a></p>
</section>`;
}

/** Account notices above the plan: Strava access, email status, history import, missing permissions. */
export function runnerNotices(runner: RunnerRow, grantForgotten = false): SafeHtml {
  if (runner.stravaRefusal)
    return html`${stravaAccessNotice(runner)}
${emailNotice(runner)}`;
  if (grantForgotten)
    return html`${forgottenGrantNotice()}
${emailNotice(runner)}`;
  return html`${emailNotice(runner)}
${isImporting(runner) || runner.backfillStatus === 'failed' ? html`<div class="card">${importProgress(runner, '/plan')}</div>` : ''}
${missingScopesNotice(runner.scopes)}`;
}
