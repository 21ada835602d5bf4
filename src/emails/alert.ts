import type { PlanJson } from '../domain/plan-view.js';
import { type MetricRow, metricRows } from './format.js';
import { renderLayout, STYLE, textFooter } from './layout.js';
import { type CheckInLinks, checkInUrls, httpUrl } from './links.js';
import { displayName, sanitizeHeaders, sanitizeHeaderValue } from './sanitize.js';
import { checkInHtml, checkInText, planSectionHtml, planSectionText } from './sections.js';
import { compileHtml } from './templates.js';
import { capitalize, describeTrigger, joinPhrases } from './trigger-phrases.js';
import type { EmailDetection, RenderedEmail } from './types.js';

export type AlertEmailInput = {
  /** Strava first name (untrusted: may contain anything). */
  firstName: string;
  /** The detections that raised the plan (at least one), oldest first. */
  detections: readonly EmailDetection[];
  /** The new plan, as `GET /api/plan` returns it. */
  plan: PlanJson;
  links: { plan: string; checkIn: CheckInLinks; unsubscribe: string };
  /** Runner's IANA zone for dates in the text; default UTC. */
  timeZone?: string;
};

type DetectionView = { message: string; metrics: MetricRow[] };

const renderBody = compileHtml<{
  style: typeof STYLE;
  greeting: string;
  intro: string;
  detections: DetectionView[];
  planHtml: string;
  checkInHtml: string;
}>(`<p style="<%= it.style.p %>"><%= it.greeting %></p>
<p style="<%= it.style.p %>"><%= it.intro %></p>
<h2 style="<%= it.style.h2 %>">What we noticed</h2>
<% it.detections.forEach(function (d) { %>
<div style="<%= it.style.box %>">
<p style="<%= it.style.p %>"><%= d.message %></p>
<% if (d.metrics.length > 0) { %>
<table role="presentation" cellpadding="0" cellspacing="0" border="0">
<% d.metrics.forEach(function (m) { %><tr><td style="<%= it.style.td %>"><%= m.label %></td><td style="<%= it.style.td %>"><strong><%= m.value %></strong></td></tr>
<% }) %></table>
<% } %>
</div>
<% }) %>
<%~ it.planHtml %>
<%~ it.checkInHtml %>
`);

// Worded to fit both a raise (taper/maintenance → daily) and a restart (already daily).
const INTRO =
  'Knees tend to complain when distance or intensity ramps up or shoes change, so do your knee exercises every day for the next 14 days.';

/** The alert sent when a trigger raises (or restarts) the plan (SPEC §7). */
export function renderAlertEmail(input: AlertEmailInput): RenderedEmail {
  const name = displayName(input.firstName);
  const planUrl = httpUrl(input.links.plan);
  const unsubscribeUrl = httpUrl(input.links.unsubscribe);
  const checkIn = checkInUrls(input.links.checkIn);
  const timeZone = input.timeZone ?? 'UTC';

  const what = joinPhrases(input.detections.map((d) => describeTrigger(d, displayName(d.activityName, 80))));
  const headline = what
    ? `${what}: daily knee exercises for the next 14 days`
    : 'Daily knee exercises for the next 14 days';
  const subject = sanitizeHeaderValue(name ? `${name}, ${headline}` : capitalize(headline));
  const greeting = name ? `Hi ${name},` : 'Hi,';
  const detections = input.detections.map((d) => ({
    message: displayName(d.message, 500),
    metrics: metricRows(d.metrics),
  }));

  const html = renderLayout({
    title: 'Daily knee exercises for the next 14 days',
    preheader: capitalize(headline),
    bodyHtml: renderBody({
      style: STYLE,
      greeting,
      intro: INTRO,
      detections,
      planHtml: planSectionHtml(input.plan, planUrl, timeZone),
      checkInHtml: checkInHtml(checkIn),
    }),
    unsubscribeUrl,
  });

  const text = [
    greeting,
    '',
    INTRO,
    '',
    'WHAT WE NOTICED',
    ...detections.flatMap((d) => [
      '',
      `- ${d.message}`,
      ...d.metrics.map((m) => `    ${m.label}: ${m.value}`),
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
