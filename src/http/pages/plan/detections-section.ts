import { formatDayLabel } from '../../../domain/messages.js';
import { metricRows } from '../../../emails/format.js';
import { html, type SafeHtml } from '../html.js';
import { viewOnStrava } from '../strava-brand.js';
import { kindLabel, severityText } from './detection-labels.js';
import type { DetectionRow, PlanPageData } from './load-plan-page.js';

/** Raw Strava ids say nothing to a runner; the shoe's name is already in the message. */
const HIDDEN_METRICS = new Set(['gearId']);

function detectionCard(d: DetectionRow, runName: string | undefined, level: 3 | 4): SafeHtml {
  const day = formatDayLabel(d.localDate);
  const severity = severityText(d.kind, d.severity);
  const metrics = metricRows(
    Object.fromEntries(Object.entries(d.metrics).filter(([key]) => !HIDDEN_METRICS.has(key))),
  );
  return html`<article class="detection">
${level === 3 ? html`<h3>${kindLabel(d.kind)}</h3>` : html`<h4>${kindLabel(d.kind)}</h4>`}
<p class="muted small">${day}${runName ? html` · run “${runName}”` : ''}${severity ? html` · ${severity}` : ''}</p>
<p>${d.message}</p>
${
  metrics.length > 0
    ? html`<dl class="metrics">${metrics.map((m) => html`<dt>${m.label}</dt><dd>${m.value}</dd>`)}</dl>`
    : ''
}
<p>${viewOnStrava(d.activityId, runName ? `run “${runName}” on ${day}` : `run on ${day}`)}</p>
</article>`;
}

/**
 * "Why your plan changed": the detections behind the current plan version
 * first, then other recent ones, each with its numbers, message and a View on
 * Strava link to the run (API.md §5.8).
 */
export function detectionsSection(data: PlanPageData): SafeHtml {
  const { current, recent, runNames } = data;
  const card = (level: 3 | 4) => (d: DetectionRow) => detectionCard(d, runNames.get(d.activityId), level);
  return html`<section class="card" aria-labelledby="why-title">
<h2 id="why-title">Why your plan changed</h2>
${
  current.length > 0
    ? html`<p>Your plan went to daily exercises because of:</p>${current.map(card(3))}`
    : html`<p>${
        data.plan.reasons.length > 0
          ? 'Your plan was raised by a detection that is no longer on record.'
          : 'Your current plan was not set off by a ramp: it is where every plan starts, or where it tapered to.'
      }</p>`
}
${
  recent.length > 0
    ? html`<h3 class="recent-title">Recently detected</h3>${recent.map(card(4))}`
    : current.length === 0
      ? html`<p class="muted">Nothing detected in your recent runs.</p>`
      : ''
}
</section>`;
}
