import type { LoadContext } from '../../../domain/load-context.js';
import { formatDistance } from '../../../domain/messages.js';
import type { Shoe, Units } from '../../../domain/types.js';
import { html, type SafeHtml } from '../html.js';
import { type ChartWeek, weeklyChart } from './weekly-chart.js';

function daysText(days: number): string {
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

function shoesList(shoes: readonly Shoe[], units: Units): SafeHtml {
  if (shoes.length === 0) return html``;
  return html`<h3>Your shoes</h3>
<ul>${shoes.map((s) => html`<li>${s.name}: ${formatDistance(s.distanceM, units)}${s.retired ? ' (retired)' : ''}</li>`)}</ul>`;
}

/**
 * The weekly-distance chart and the load figures docs/detection.md asks for as context
 * only: the EWMA acute:chronic ratio and training monotony never change the
 * plan, and the page says so.
 */
export function contextSection(
  context: LoadContext,
  weeks: readonly ChartWeek[],
  shoes: readonly Shoe[],
  units: Units,
): SafeHtml {
  const ratio = context.acwr.ratio;
  return html`<section class="card" aria-labelledby="load-title">
<h2 id="load-title">Your recent running</h2>
${
  context.baselineBuilding
    ? html`<p class="notice-warn card" role="note"><strong>Baseline still building.</strong> RampGuard has ${daysText(context.historyDays)} of your running history. With under 14 days it has little to compare new runs with, so treat what it finds as a first impression.</p>`
    : ''
}
${weeklyChart(weeks, units)}
<h3>Context, not a warning</h3>
<div class="figures">
<p class="figure"><span class="figure-value">${ratio === null ? '–' : ratio.toFixed(2)}</span> Acute:chronic ratio: your last week's load against your last four weeks (1.0 means steady).</p>
<p class="figure"><span class="figure-value">${context.monotony.toFixed(1)}</span> Monotony: how alike your last 7 days were (higher means less variety between hard, easy and rest days).</p>
</div>
<p class="small muted">Research disagrees on whether these figures predict injury, so RampGuard shows them for context and never changes your plan because of them.</p>
${shoesList(shoes, units)}
</section>`;
}
