import type { PlanExerciseJson } from '../../../domain/plan-view.js';
import { exerciseView, GUIDANCE_NOTE, SECTION_HEADINGS } from '../../../email/templates/format.js';
import { html, type SafeHtml } from '../html.js';
import { exerciseDrawing } from './exercise-drawings.js';

/** One exercise: drawing, today's dose in big type, and numbered steps (same words as the emails). */
function exerciseCard(dose: PlanExerciseJson): SafeHtml {
  const view = exerciseView(dose);
  const id = `exercise-${dose.id}`;
  return html`<article class="card exercise" aria-labelledby="${id}">
${exerciseDrawing(dose.id, dose.variant)}
<div>
<h3 id="${id}">${view.name}</h3>
<p class="dose">${view.dose}</p>
<ol>${view.steps.map((step) => html`<li>${step}</li>`)}</ol>
<p class="muted small">${view.purpose}</p>
</div>
</article>`;
}

export function exerciseSection(exercises: readonly PlanExerciseJson[]): SafeHtml {
  return html`<section aria-labelledby="exercises-title">
<h2 id="exercises-title">${SECTION_HEADINGS.exercises}</h2>
${exercises.map(exerciseCard)}
<p class="small muted">${GUIDANCE_NOTE}</p>
</section>`;
}
