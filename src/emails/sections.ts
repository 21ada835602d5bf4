import type { PlanJson } from '../domain/plan-view.js';
import { type ExerciseView, exerciseView, PHYSIO_NOTE, phaseSummary, reviewSentence } from './format.js';
import { STYLE } from './layout.js';
import type { CheckInLinks } from './links.js';
import { compileHtml } from './templates.js';

/** Blocks shared by several emails, each as an HTML fragment and the matching plain text. */

type PlanSectionView = {
  style: typeof STYLE;
  summary: string;
  review: string | null;
  physio: string | null;
  exercises: ExerciseView[];
  planUrl: string;
};

function planSectionView(plan: PlanJson, planUrl: string, timeZone: string): PlanSectionView {
  return {
    style: STYLE,
    summary: phaseSummary(plan.phase, plan.sessionsPerWeek),
    review: reviewSentence(plan, timeZone),
    physio: plan.seePhysio ? PHYSIO_NOTE : null,
    exercises: plan.exercises.map(exerciseView),
    planUrl,
  };
}

const renderPlanHtml = compileHtml<PlanSectionView>(`<h2 style="<%= it.style.h2 %>">Your plan</h2>
<p style="<%= it.style.p %>"><%= it.summary %></p>
<% if (it.review) { %><p style="<%= it.style.p %>"><%= it.review %></p><% } %>
<% if (it.physio) { %><p style="<%= it.style.warn %>"><%= it.physio %></p><% } %>
<h2 style="<%= it.style.h2 %>">How to do each exercise</h2>
<% it.exercises.forEach(function (ex) { %>
<div style="<%= it.style.box %>">
<p style="<%= it.style.p %>"><strong><%= ex.name %></strong>: <%= ex.dose %></p>
<ol style="margin:0 0 8px;padding-left:20px;">
<% ex.steps.forEach(function (step) { %><li style="<%= it.style.li %>"><%= step %></li>
<% }) %></ol>
<p style="<%= it.style.small %>"><%= ex.purpose %></p>
</div>
<% }) %>
<p style="margin:16px 0;"><a href="<%= it.planUrl %>" style="<%= it.style.button %>">Open your plan</a></p>
`);

export function planSectionHtml(plan: PlanJson, planUrl: string, timeZone: string): string {
  return renderPlanHtml(planSectionView(plan, planUrl, timeZone));
}

export function planSectionText(plan: PlanJson, planUrl: string, timeZone: string): string {
  const view = planSectionView(plan, planUrl, timeZone);
  const lines = ['YOUR PLAN', view.summary];
  if (view.review) lines.push(view.review);
  if (view.physio) lines.push('', `! ${view.physio}`);
  lines.push('', 'HOW TO DO EACH EXERCISE');
  for (const ex of view.exercises) {
    lines.push(
      '',
      `${ex.name}: ${ex.dose}`,
      ...ex.steps.map((s, i) => `  ${i + 1}. ${s}`),
      `  ${ex.purpose}`,
    );
  }
  lines.push('', `Open your plan: ${planUrl}`);
  return lines.join('\n');
}

const renderCheckInHtml = compileHtml<{
  style: typeof STYLE;
  links: CheckInLinks;
}>(`<h2 style="<%= it.style.h2 %>">How does your knee feel?</h2>
<p style="<%= it.style.p %>">Tell us with one tap; the plan tapers back as you feel able.</p>
<p style="margin:0 0 12px;"><a href="<%= it.links.fine %>" style="<%= it.style.secondaryButton %>">Fine</a><a href="<%= it.links.sore %>" style="<%= it.style.secondaryButton %>">A bit sore</a><a href="<%= it.links.pain %>" style="<%= it.style.secondaryButton %>">Painful</a></p>
`);

export function checkInHtml(links: CheckInLinks): string {
  return renderCheckInHtml({ style: STYLE, links });
}

export function checkInText(links: CheckInLinks): string {
  return [
    'HOW DOES YOUR KNEE FEEL?',
    'Tell us with one click; the plan tapers back as you feel able.',
    `  Fine: ${links.fine}`,
    `  A bit sore: ${links.sore}`,
    `  Painful: ${links.pain}`,
  ].join('\n');
}
