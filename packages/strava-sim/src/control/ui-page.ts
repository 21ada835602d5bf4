import type { SimContext } from '../context.js';
import { html, renderPage, type SafeHtml } from '../html.js';
import { listShoes, shoeDistance } from '../model/athletes.js';
import type { SimAthlete } from '../state.js';

const km = (meters: number) => (meters / 1000).toFixed(2);
const SPORTS = ['Run', 'TrailRun', 'VirtualRun', 'Walk', 'Hike', 'Ride'];

export type UiPageInput = { base: string; selectedId: string | null; error?: string | undefined };

function athletePicker(ctx: SimContext, base: string, selected: SimAthlete | null): SafeHtml {
  const options = [...ctx.state.athletes.values()].map(
    (a) =>
      html`<option value="${a.id}"${a.id === selected?.id ? html` selected` : ''}>${a.firstname} ${a.lastname} (${a.id})</option>`,
  );
  return html`<section aria-labelledby="h-athletes"><h2 id="h-athletes">Athlete</h2>
<form method="get" action="${base}/ui">
<label for="athlete">Simulated athlete</label>
<select id="athlete" name="athlete">${options}</select>
<button type="submit">Show</button>
</form>
<form method="post" action="${base}/ui/athletes">
<label for="new-firstname">First name</label> <input id="new-firstname" name="firstname" required maxlength="60">
<label for="new-lastname">Last name</label> <input id="new-lastname" name="lastname" maxlength="60">
<button type="submit">Create athlete</button>
</form></section>`;
}

function accessSection(ctx: SimContext, base: string, athlete: SimAthlete): SafeHtml {
  const grants = [...ctx.state.authorizations.values()].filter((a) => a.athleteId === athlete.id);
  const rows = grants.map((g) => html`<li>App ${g.clientId}: ${g.scopes.join(', ') || '(no scopes)'}</li>`);
  return html`<section aria-labelledby="h-access"><h2 id="h-access">Connected apps</h2>
${grants.length ? html`<ul>${rows}</ul>` : html`<p>No app is authorized.</p>`}
<form method="post" action="${base}/ui/athletes/${athlete.id}/revoke">
<button type="submit"${grants.length ? '' : html` disabled`}>Revoke access (as on strava.com)</button>
</form></section>`;
}

function shoeSection(ctx: SimContext, base: string, athlete: SimAthlete): SafeHtml {
  const shoes = listShoes(ctx.state, athlete.id);
  const rows = shoes.map(
    (s) => html`<tr><td>${s.name}</td><td>${s.id}</td><td>${km(shoeDistance(ctx.state, s))}</td>
<td>${s.primary ? 'yes' : ''}</td><td>${s.retired ? 'yes' : ''}</td>
<td><form method="post" action="${base}/ui/shoes/${s.id}">
<label for="shoe-km-${s.id}">Total km for ${s.name}</label>
<input id="shoe-km-${s.id}" name="distanceKm" type="number" min="0" step="0.1" required size="6">
<button type="submit">Set distance</button></form></td></tr>`,
  );
  return html`<section aria-labelledby="h-shoes"><h2 id="h-shoes">Shoes</h2>
<div class="scroll"><table><caption>Shoes of ${athlete.firstname}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">km</th><th scope="col">Primary</th><th scope="col">Retired</th><th scope="col">Edit</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<form method="post" action="${base}/ui/athletes/${athlete.id}/shoes">
<label for="shoe-name">Shoe name</label> <input id="shoe-name" name="name" required maxlength="100">
<label for="shoe-km">Distance already run (km)</label> <input id="shoe-km" name="distanceKm" type="number" min="0" step="0.1" value="0">
<input id="shoe-primary" name="primary" type="checkbox" value="true"> <label for="shoe-primary">Primary</label>
<button type="submit">Add shoe</button>
</form></section>`;
}

function runSection(ctx: SimContext, base: string, athlete: SimAthlete): SafeHtml {
  const shoes = listShoes(ctx.state, athlete.id).filter((s) => !s.retired);
  const activities = [...ctx.state.activities.values()]
    .filter((a) => a.athlete_id === athlete.id)
    .sort((a, b) => b.start_date.localeCompare(a.start_date));
  const rows = activities.map(
    (
      a,
    ) => html`<tr><td>${a.start_date_local.replace('Z', '').replace('T', ' ')}</td><td>${a.name}</td><td>${a.sport_type}</td>
<td>${km(a.distance)}</td><td>${a.gear_id ?? ''}</td><td>${a.visibility}</td><td>${a.id}</td>
<td><form method="post" action="${base}/ui/activities/${a.id}/delete"><button type="submit" aria-label="Delete ${a.name} (${a.id})">Delete</button></form></td></tr>`,
  );
  const shoeOptions = shoes.map(
    (s) => html`<option value="${s.id}"${s.primary ? html` selected` : ''}>${s.name}</option>`,
  );
  const sportOptions = SPORTS.map((s) => html`<option>${s}</option>`);
  return html`<section aria-labelledby="h-runs"><h2 id="h-runs">Activities</h2>
<form method="post" action="${base}/ui/athletes/${athlete.id}/activities">
<fieldset><legend>Add a run (sends a create event, as an upload does)</legend>
<p class="hint">Left as they are, the fields describe a run that ends now and is uploaded now.</p>
<div class="field"><label for="run-km">Distance (km)</label> <input id="run-km" name="distanceKm" type="number" min="0.01" max="500" step="0.01" required value="10"></div>
<div class="field"><label for="run-pace">Pace (min:sec per km)</label> <input id="run-pace" name="pace" inputmode="numeric" pattern="\\d{1,2}:[0-5]\\d" value="5:30" required></div>
<div class="field"><label for="run-shoe">Shoe</label> <select id="run-shoe" name="gear_id"><option value="">No shoe</option>${shoeOptions}</select></div>
<div class="field"><label for="run-hr">Average heart rate (optional)</label> <input id="run-hr" name="averageHeartrate" type="number" min="20" max="260"></div>
<div class="field"><label for="run-date">Start (${athlete.timezone} local time; leave empty for a run that ends now)</label> <input id="run-date" name="startLocal" type="datetime-local" step="1"></div>
<div class="field"><label for="run-sport">Sport</label> <select id="run-sport" name="sport_type">${sportOptions}</select></div>
<div class="field"><label for="run-name">Title (optional)</label> <input id="run-name" name="name" maxlength="255"></div>
<div class="field"><label for="run-vis">Visibility</label> <select id="run-vis" name="visibility"><option value="everyone">Everyone</option><option value="followers_only">Followers</option><option value="only_me">Only You</option></select></div>
<button type="submit">Add run</button>
</fieldset></form>
<div class="scroll"><table><caption>Activities of ${athlete.firstname}, newest first</caption>
<thead><tr><th scope="col">Local start</th><th scope="col">Title</th><th scope="col">Sport</th><th scope="col">km</th><th scope="col">Shoe</th><th scope="col">Visibility</th><th scope="col">Id</th><th scope="col">Action</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}

function logSection(ctx: SimContext): SafeHtml {
  const events = ctx.state.events.slice(-50).reverse();
  const requests = ctx.state.requests.slice(-50).reverse();
  const eventRows = events.map(
    (
      e,
    ) => html`<tr><td>${e.id}</td><td>${e.createdAt}</td><td>${e.event.object_type} ${e.event.aspect_type}</td>
<td>${e.event.object_id}</td><td><code>${JSON.stringify(e.event.updates)}</code></td><td>${e.status}</td>
<td>${e.attempts.map((a) => a.status ?? a.error).join(', ')}</td></tr>`,
  );
  const requestRows = requests.map(
    (r) =>
      html`<tr><td>${r.at}</td><td>${r.method}</td><td>${r.path}</td><td>${r.status}</td><td>${r.durationMs}</td></tr>`,
  );
  return html`<section aria-labelledby="h-events"><h2 id="h-events">Webhook events sent (latest 50)</h2>
<div class="scroll"><table><thead><tr><th scope="col">#</th><th scope="col">Created</th><th scope="col">Kind</th><th scope="col">Object</th><th scope="col">Updates</th><th scope="col">Status</th><th scope="col">Attempts</th></tr></thead>
<tbody>${eventRows}</tbody></table></div></section>
<section aria-labelledby="h-requests"><h2 id="h-requests">API calls received (latest 50)</h2>
<div class="scroll"><table><thead><tr><th scope="col">At</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">ms</th></tr></thead>
<tbody>${requestRows}</tbody></table></div></section>`;
}

/** The sandbox control page: plain forms (no script), everything escaped. */
export function renderControlPage(ctx: SimContext, { base, selectedId, error }: UiPageInput): string {
  const selected =
    (selectedId !== null ? ctx.state.athletes.get(selectedId) : undefined) ??
    ctx.state.athletes.values().next().value ??
    null;
  const body = html`<h1>Strava simulator control</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<p>Simulated time: ${ctx.clock.now().toISOString()}</p>
${athletePicker(ctx, base, selected)}
${selected ? [accessSection(ctx, base, selected), shoeSection(ctx, base, selected), runSection(ctx, base, selected)] : html`<p>Create an athlete to begin.</p>`}
${logSection(ctx)}`;
  return renderPage('Strava simulator control', body);
}
