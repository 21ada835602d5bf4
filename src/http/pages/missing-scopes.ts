import { missingScopesOf, parseScopes } from '../../app/connect-runner.js';
import { html, type SafeHtml } from './html.js';

const EXPLANATIONS: Record<string, string> = {
  read: 'RampGuard cannot read your basic Strava profile, so it may not be able to work at all.',
  'activity:read_all':
    'RampGuard cannot see runs you keep private ("Only You"). A ramp in those runs goes unnoticed.',
  'profile:read_all':
    'RampGuard cannot see your shoes, so it cannot tell when you switch to a new pair or pass 800 km.',
};

/** What the runner loses by unticking a permission on Strava's consent page, and how to fix it. */
export function missingScopesNotice(scopes: string): SafeHtml {
  const missing = missingScopesOf(parseScopes(scopes));
  if (missing.length === 0) return html``;
  return html`<section class="card notice-warn" aria-labelledby="scopes-title">
<h2 id="scopes-title">Some permissions were not granted</h2>
<ul>${missing.map((scope) => html`<li>${EXPLANATIONS[scope] ?? `Permission ${scope} is missing.`}</li>`)}</ul>
<p>To fix this, <a href="/auth/strava">connect with Strava again</a> and leave every box ticked.</p>
</section>`;
}
