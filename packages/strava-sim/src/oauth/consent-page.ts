import { html, renderPage } from '../html.js';
import { isKnownScope, SCOPE_DESCRIPTIONS } from '../scopes.js';
import type { SimAthlete } from '../state.js';
import type { AuthorizeRequest } from './authorize-request.js';

export const NEW_ATHLETE = 'new';

export type ConsentPageInput = {
  request: AuthorizeRequest;
  athletes: SimAthlete[];
  selectedAthleteId: string | null;
  error?: string | undefined;
};

/**
 * Strava's consent screen, plus what a simulator needs: the runner chooses which simulated
 * athlete they are (or creates one). Scopes are pre-checked and can be unticked, like Strava's.
 */
export function renderConsentPage({ request, athletes, selectedAthleteId, error }: ConsentPageInput): string {
  const selected = selectedAthleteId ?? athletes[0]?.id ?? NEW_ATHLETE;
  const scopeItems = request.scopes.map(
    (
      scope,
      i,
    ) => html`<li><input type="checkbox" id="scope-${i}" name="scope_granted" value="${scope}" checked>
<label for="scope-${i}"><code>${scope}</code>: ${isKnownScope(scope) ? SCOPE_DESCRIPTIONS[scope] : ''}</label></li>`,
  );
  const athleteOptions = athletes.map(
    (a) =>
      html`<option value="${a.id}"${selected === a.id ? html` selected` : ''}>${a.firstname} ${a.lastname} (${a.id})</option>`,
  );
  const body = html`<h1>Authorize ${request.app.name} to connect to Strava</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post">
<input type="hidden" name="client_id" value="${request.app.clientId}">
<input type="hidden" name="redirect_uri" value="${request.redirectUri}">
<input type="hidden" name="response_type" value="code">
<input type="hidden" name="approval_prompt" value="${request.approvalPrompt}">
<input type="hidden" name="scope" value="${request.scopes.join(',')}">
<input type="hidden" name="state" value="${request.state}">
<fieldset>
<legend>Who are you? (simulated Strava athlete)</legend>
<label for="athlete_id">Athlete</label>
<select id="athlete_id" name="athlete_id">
${athleteOptions}
<option value="${NEW_ATHLETE}"${selected === NEW_ATHLETE ? html` selected` : ''}>Create a new athlete</option>
</select>
<br>
<label for="new_athlete_firstname">First name of the new athlete</label>
<input type="text" id="new_athlete_firstname" name="new_athlete_firstname" maxlength="60" autocomplete="off">
</fieldset>
<fieldset>
<legend>${request.app.name} requests permission to</legend>
<ul>
${scopeItems}
</ul>
</fieldset>
<button type="submit" name="decision" value="approve">Authorize</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form>`;
  return renderPage(`Authorize ${request.app.name} | Strava simulator`, body);
}

/** What Strava shows when the app already has as many athletes as its tier allows. */
export function renderCapacityPage(appName: string): string {
  return renderPage(
    'Error 403 | Strava simulator',
    html`<h1>Error 403: Limit of connected athletes exceeded</h1>
<p>${appName} cannot connect more athletes. No authorization was granted.</p>`,
  );
}
