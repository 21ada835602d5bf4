import { describeDetection } from '../../../domain/detection-text.js';
import type { DetectionKind, Severity, Units } from '../../../domain/types.js';
import { formatDayLabel } from '../../../domain/units.js';
import { formatDay, SECTION_HEADINGS } from '../../../email/templates/format.js';
import { html, type SafeHtml } from '../html.js';
import { viewOnStrava } from '../strava-brand.js';
import { severityText } from './detection-labels.js';
import type { DetectionRow, PlanPageData } from './load-plan-page.js';

type CardContext = {
  units: Units;
  timeZone: string;
  runNames: ReadonlyMap<string, string>;
  /** When each detection changed the plan (the version it is a reason of). */
  changedPlanAt: ReadonlyMap<string, string>;
};

/** Where a detection stands: it changed the plan, is information only, or is history. */
function standing(d: DetectionRow, ctx: CardContext): string {
  if (!d.alertable) return 'Before you connected: shown for context, no alert sent.';
  const changed = ctx.changedPlanAt.get(d.id);
  if (changed) return `Changed your plan on ${formatDay(changed, ctx.timeZone)}.`;
  return 'Information only: your plan is unchanged.';
}

/** One detection, in the runner's units, with the same heading and numbers as the alert email. */
function detectionCard(d: DetectionRow, ctx: CardContext, level: 3 | 4): SafeHtml {
  const runName = ctx.runNames.get(d.activityId);
  const day = formatDayLabel(d.localDate);
  const severity = severityText(d.kind, d.severity);
  const text = describeDetection(
    {
      kind: d.kind as DetectionKind,
      severity: d.severity as Severity,
      localDate: d.localDate,
      metrics: d.metrics,
    },
    ctx.units,
  );
  return html`<article class="detection${d.alertable ? '' : ' history'}">
${level === 3 ? html`<h3>${text.heading}</h3>` : html`<h4>${text.heading}</h4>`}
<p class="muted small">${day}${runName ? html` · run “${runName}”` : ''}${severity ? html` · ${severity}` : ''}</p>
<p class="standing small">${standing(d, ctx)}</p>
<p>${text.message}</p>
${
  text.facts.length > 0
    ? html`<dl class="metrics">${text.facts.map((f) => html`<dt>${f.label}</dt><dd>${f.value}</dd>`)}</dl>`
    : ''
}
<p>${viewOnStrava(d.activityId, runName ? `run “${runName}” on ${day}` : `run on ${day}`)}</p>
</article>`;
}

/**
 * "Why your plan changed" (docs/alerts.md#the-plan-page): the detections behind the current plan
 * version first; then the other ones since the runner connected, each saying whether it changed
 * the plan; then what the connect read found in the runs before connecting, plainly marked as
 * history that never sends an alert. Each card has its numbers in the runner's units and a View
 * on Strava link to the run (docs/strava-api.md#brand-rules).
 */
export function detectionsSection(data: PlanPageData): SafeHtml {
  const { current, sinceConnect, beforeConnect, plan } = data;
  const ctx: CardContext = {
    units: data.units,
    timeZone: data.runner.timezone,
    runNames: data.runNames,
    changedPlanAt: data.changedPlanAt,
  };
  const card = (level: 3 | 4) => (d: DetectionRow) => detectionCard(d, ctx, level);
  const nothing = current.length === 0 && sinceConnect.length === 0 && beforeConnect.length === 0;
  return html`<section class="card" aria-labelledby="why-title">
<h2 id="why-title">${SECTION_HEADINGS.why}</h2>
${
  current.length > 0
    ? html`<p>Your plan went to daily exercises on ${formatDay(plan.since, data.runner.timezone)} because of:</p>${current.map(card(3))}`
    : html`<p>${
        plan.reasons.length > 0
          ? 'Your plan was raised by a detection that is no longer on record.'
          : 'Your current plan was not set off by a ramp: it is where every plan starts, or where it tapered to.'
      }</p>`
}
${
  sinceConnect.length > 0
    ? html`<h3 class="recent-title">Earlier since you connected</h3>${sinceConnect.map(card(4))}`
    : ''
}
${
  beforeConnect.length > 0
    ? html`<h3 class="recent-title" id="before-connect">Before you connected</h3>
<p class="muted">Found in your last ${data.historyWeeks} weeks before you connected: shown for context, no alert sent.</p>
${beforeConnect.map(card(4))}`
    : ''
}
${nothing ? html`<p class="muted">Nothing detected in your recent runs.</p>` : ''}
</section>`;
}
