import type { RunnerRow, StravaRefusal } from '../../app/runner/load-runner.js';
import { html, type SafeHtml } from './html.js';

/** What happened, in the runner's words, and the one thing that fixes it (docs/strava-quota.md). */
const WHY: Record<StravaRefusal, string> = {
  activity_scope_missing:
    'Strava does not let RampGuard see your activities: the box "View data about your activities" was not ticked.',
  access_revoked: 'Strava says RampGuard no longer has access to your account.',
  grant_invalid: 'Strava no longer accepts RampGuard\u2019s access to your account.',
  athlete_not_found: 'Strava could not find your athlete account.',
  strava_failing: 'Strava kept failing when RampGuard read your runs, so RampGuard stopped trying.',
};

/**
 * Shown on the plan and onboarding pages while the runner is parked: RampGuard
 * makes no Strava call for them until they reconnect, so the page must say so.
 */
export function stravaAccessNotice(runner: Pick<RunnerRow, 'stravaRefusal'>): SafeHtml {
  if (!runner.stravaRefusal) return html``;
  return html`<section class="card notice-warn" aria-labelledby="strava-access-title">
<h2 id="strava-access-title">RampGuard cannot read your runs</h2>
<p>${WHY[runner.stravaRefusal]} RampGuard has stopped reading from Strava and will not notice new runs.</p>
<p><a href="/auth/strava">Reconnect with Strava</a> and tick <strong>View data about your activities</strong>.</p>
</section>`;
}
