import type { PlanJson } from '../../domain/plan-view.js';
import {
  exerciseView,
  GUIDANCE_NOTE,
  PHYSIO_NOTE,
  phaseSummary,
  reviewSentence,
} from '../../email/templates/format.js';
import { html, type SafeHtml } from '../pages/html.js';

const PHASE_NAMES = { daily: 'Daily', taper: 'Taper', maintenance: 'Maintenance' } as const;

/** The plan after a check-in, short: phase in big type, doses, physio advice, link to the full page. */
export function planSummary(plan: PlanJson, timeZone: string): SafeHtml {
  const review = reviewSentence(plan, timeZone);
  return html`${
    plan.seePhysio
      ? html`<section class="card notice-warn" aria-labelledby="physio-title"><h2 id="physio-title">See a physical therapist</h2><p>${PHYSIO_NOTE}</p></section>`
      : ''
  }
<section class="card" aria-labelledby="summary-title">
<h2 id="summary-title">Your plan now</h2>
<p class="phase"><span class="phase-name">${PHASE_NAMES[plan.phase]}</span><span class="phase-count">${plan.sessionsPerWeek} sessions a week</span></p>
<p>${phaseSummary(plan.phase, plan.sessionsPerWeek)}${review ? html` ${review}` : ''}</p>
<ul>${plan.exercises.map((e) => {
    const view = exerciseView(e);
    return html`<li><strong>${view.name}</strong>: ${view.dose}</li>`;
  })}</ul>
<p><a class="button" href="/plan">Open my full plan</a></p>
<p class="small muted">${GUIDANCE_NOTE}</p>
</section>`;
}
