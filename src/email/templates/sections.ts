import type { PlanJson } from '../../domain/plan-view.js';
import {
  type ExerciseView,
  exerciseView,
  PHYSIO_NOTE,
  phaseSummary,
  reviewSentence,
  SECTION_HEADINGS,
} from './format.js';
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

const renderPlanHtml = compileHtml<
  PlanSectionView & { heading: string }
>(`<h2 style="<%= it.style.h2 %>"><%= it.heading %></h2>
<p style="<%= it.style.p %>"><%= it.summary %><% if (it.review) { %> <%= it.review %><% } %></p>
<% if (it.physio) { %><p style="<%= it.style.warn %>"><%= it.physio %></p><% } %>
<% it.exercises.forEach(function (ex) { %>
<div style="<%= it.style.box %>">
<p style="<%= it.style.p %>"><strong><%= ex.name %></strong>, today's dose: <%= ex.dose %></p>
<ol style="margin:0 0 8px;padding-left:20px;">
<% ex.steps.forEach(function (step) { %><li style="<%= it.style.li %>"><%= step %></li>
<% }) %></ol>
<p style="<%= it.style.small %>"><%= ex.purpose %></p>
</div>
<% }) %>
<p style="margin:16px 0;"><a href="<%= it.planUrl %>" style="<%= it.style.button %>">Open your plan</a></p>
`);

/** The plan and its exercises with today's dose, under the plan page's heading. */
export function planSectionHtml(plan: PlanJson, planUrl: string, timeZone: string): string {
  return renderPlanHtml({ ...planSectionView(plan, planUrl, timeZone), heading: SECTION_HEADINGS.exercises });
}

export function planSectionText(plan: PlanJson, planUrl: string, timeZone: string): string {
  const view = planSectionView(plan, planUrl, timeZone);
  const lines = [
    textHeading(SECTION_HEADINGS.exercises),
    view.review ? `${view.summary} ${view.review}` : view.summary,
  ];
  if (view.physio) lines.push('', `! ${view.physio}`);
  for (const ex of view.exercises) {
    lines.push(
      '',
      `${ex.name}, today's dose: ${ex.dose}`,
      ...ex.steps.map((s, i) => `  ${i + 1}. ${s}`),
      `  ${ex.purpose}`,
    );
  }
  lines.push('', `Open your plan: ${planUrl}`);
  return lines.join('\n');
}

/** A plain-text heading: the same words as the HTML one, underlined. */
export function textHeading(title: string): string {
  return `${title}\n${'-'.repeat(title.length)}`;
}

const renderCheckInHtml = compileHtml<{
  style: typeof STYLE;
  links: CheckInLinks;
  heading: string;
}>(`<h2 style="<%= it.style.h2 %>"><%= it.heading %></h2>
<p style="<%= it.style.p %>">Tell us with one click; the plan tapers back as you feel able.</p>
<p style="margin:0 0 12px;"><a href="<%= it.links.fine %>" style="<%= it.style.secondaryButton %>">Fine</a><a href="<%= it.links.sore %>" style="<%= it.style.secondaryButton %>">A bit sore</a><a href="<%= it.links.pain %>" style="<%= it.style.secondaryButton %>">Painful</a></p>
`);

export function checkInHtml(links: CheckInLinks): string {
  return renderCheckInHtml({ style: STYLE, links, heading: SECTION_HEADINGS.checkIn });
}

export function checkInText(links: CheckInLinks): string {
  return [
    textHeading(SECTION_HEADINGS.checkIn),
    'Tell us with one click; the plan tapers back as you feel able.',
    `  Fine: ${links.fine}`,
    `  A bit sore: ${links.sore}`,
    `  Painful: ${links.pain}`,
  ].join('\n');
}
