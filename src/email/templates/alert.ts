import type { PlanJson } from '../../domain/plan-view.js';
import type { Units } from '../../domain/types.js';
import { type AlertReason, alertReasons, capitalize, subjectPhrase } from './alert-reasons.js';
import { SECTION_HEADINGS } from './format.js';
import { renderLayout, STYLE, textFooter } from './layout.js';
import { type CheckInLinks, checkInUrls, httpUrl } from './links.js';
import { displayName, sanitizeHeaders, sanitizeHeaderValue } from './sanitize.js';
import { checkInHtml, checkInText, planSectionHtml, planSectionText, textHeading } from './sections.js';
import { compileHtml } from './templates.js';
import type { EmailDetection, RenderedEmail } from './types.js';

export type AlertEmailInput = {
  /** Strava first name (untrusted: may contain anything). */
  firstName: string;
  /** Every detection that raised the plan since the last alert (at least one). */
  detections: readonly EmailDetection[];
  /** The new plan, as `GET /api/plan` returns it. */
  plan: PlanJson;
  links: { plan: string; checkIn: CheckInLinks; unsubscribe: string };
  /** Runner's IANA zone for dates in the text; default UTC. */
  timeZone?: string;
  /** The runner's units setting; default metric. */
  units?: Units;
};

const TITLE = 'Daily knee exercises for the next 14 days';
const SUBJECT_TAIL = 'daily knee exercises for the next 14 days';
const WHY_KNEES =
  'Knees often complain a week or two after changes like these, even when nothing hurts yet. For the next 14 days, do your two knee exercises every day; together they take a few minutes.';

const renderBody = compileHtml<{
  style: typeof STYLE;
  greeting: string;
  opening: string;
  whyKnees: string;
  planNote: string | null;
  whyHeading: string;
  reasons: readonly AlertReason[];
  planHtml: string;
  checkInHtml: string;
}>(`<p style="<%= it.style.p %>"><%= it.greeting %></p>
<p style="<%= it.style.p %>"><%= it.opening %></p>
<p style="<%= it.style.p %>"><%= it.whyKnees %><% if (it.planNote) { %> <%= it.planNote %><% } %></p>
<h2 style="<%= it.style.h2 %>"><%= it.whyHeading %></h2>
<% it.reasons.forEach(function (r) { %>
<div style="<%= it.style.box %>">
<h3 style="<%= it.style.h3 %>"><%= r.heading %><% if (r.day) { %> <span style="<%= it.style.muted %>">· <%= r.day %></span><% } %></h3>
<p style="<%= it.style.p %>"><%= r.message %></p>
<% if (r.facts.length > 0) { %>
<table role="presentation" cellpadding="0" cellspacing="0" border="0">
<% r.facts.forEach(function (f) { %><tr><td style="<%= it.style.td %>"><%= f.label %></td><td style="<%= it.style.td %>"><strong><%= f.value %></strong></td></tr>
<% }) %></table>
<% } %>
</div>
<% }) %>
<%~ it.planHtml %>
<%~ it.checkInHtml %>
`);

/**
 * The alert sent when a trigger raises (or restarts) the plan (docs/email.md), written like a physical
 * therapist's note (docs/alerts.md#the-alert-email): what changed in the runner's running, one
 * section per kind with its numbers in the runner's units, today's exercises, the check-in. The
 * subject names the largest reason with the same numbers as the body; HTML and text say the same.
 */
export function renderAlertEmail(input: AlertEmailInput): RenderedEmail {
  const name = displayName(input.firstName);
  const planUrl = httpUrl(input.links.plan);
  const unsubscribeUrl = httpUrl(input.links.unsubscribe);
  const checkIn = checkInUrls(input.links.checkIn);
  const timeZone = input.timeZone ?? 'UTC';
  const reasons = alertReasons(input.detections, input.units ?? 'metric');

  const what = subjectPhrase(reasons);
  const headline = what ? `${what}: ${SUBJECT_TAIL}` : SUBJECT_TAIL;
  const subject = sanitizeHeaderValue(name ? `${name}, ${headline}` : capitalize(headline));
  const greeting = name ? `Hi ${name},` : 'Hi,';
  const opening = openingSentence(reasons.length, what);
  const planNote = planChangeNote(input.plan);

  const html = renderLayout({
    title: TITLE,
    preheader: capitalize(headline),
    bodyHtml: renderBody({
      style: STYLE,
      greeting,
      opening,
      whyKnees: WHY_KNEES,
      planNote,
      whyHeading: SECTION_HEADINGS.why,
      reasons,
      planHtml: planSectionHtml(input.plan, planUrl, timeZone),
      checkInHtml: checkInHtml(checkIn),
    }),
    unsubscribeUrl,
  });

  const text = [
    greeting,
    '',
    opening,
    '',
    planNote ? `${WHY_KNEES} ${planNote}` : WHY_KNEES,
    '',
    textHeading(SECTION_HEADINGS.why),
    ...reasons.flatMap((r) => [
      '',
      r.day ? `${r.heading} (${r.day})` : r.heading,
      r.message,
      ...r.facts.map((f) => `    ${f.label}: ${f.value}`),
    ]),
    '',
    planSectionText(input.plan, planUrl, timeZone),
    '',
    checkInText(checkIn),
    textFooter({ unsubscribeUrl }),
  ].join('\n');

  const kinds = [...new Set(input.detections.map((d) => d.kind))];
  const headers = sanitizeHeaders({
    'X-RampGuard-Triggers': kinds.join(','),
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'Auto-Submitted': 'auto-generated',
  });
  return { subject, text, html, headers };
}

const COUNT_WORDS = ['No', 'One', 'Two', 'Three', 'Four', 'Five'];

/** "Two changes in your running call for extra care of your knees: …" */
function openingSentence(count: number, what: string): string {
  if (count === 0 || !what) return 'A change in your running calls for extra care of your knees.';
  const n = COUNT_WORDS[count] ?? String(count);
  return count === 1
    ? `One change in your running calls for extra care of your knees: ${what}.`
    : `${n} changes in your running call for extra care of your knees: ${what}.`;
}

/** How the new version relates to the one before it (history is newest first, current included). */
function planChangeNote(plan: PlanJson): string | null {
  const previous = plan.history[1];
  if (!previous) return null;
  if (previous.phase !== 'daily') return `That is up from ${previous.sessionsPerWeek} sessions a week.`;
  return previous.reasons.length > 0
    ? 'You were already on daily exercises after an earlier change: the 14 days start again from today.'
    : 'Your plan has been daily since you connected; the 14 days now count from today.';
}
