import type { Units } from '../../domain/types.js';
import { alertReasons } from './alert-reasons.js';
import { renderLayout, STYLE, textFooter } from './layout.js';
import { httpUrl } from './links.js';
import { displayName, sanitizeHeaders, sanitizeHeaderValue } from './sanitize.js';
import { compileHtml } from './templates.js';
import type { EmailDetection, RenderedEmail } from './types.js';

export type ShoeMileageEmailInput = {
  firstName: string;
  /** The shoe's name on Strava (untrusted). */
  shoeName: string;
  /** The `shoe_mileage` detection; its text is rebuilt in the runner's units. */
  detection: EmailDetection;
  links: { plan: string; unsubscribe: string };
  /** The runner's units setting; default metric. */
  units?: Units;
};

const ADVICE =
  'This does not change your exercise plan. Worn shoes cushion less, so it may be time for a new pair; when you start running in it, RampGuard raises your knee exercises for a couple of weeks while you get used to it.';

const renderBody = compileHtml<{
  style: typeof STYLE;
  greeting: string;
  message: string;
  metrics: { label: string; value: string }[];
  advice: string;
  planUrl: string;
}>(`<p style="<%= it.style.p %>"><%= it.greeting %></p>
<div style="<%= it.style.box %>">
<p style="<%= it.style.p %>"><%= it.message %></p>
<% if (it.metrics.length > 0) { %>
<table role="presentation" cellpadding="0" cellspacing="0" border="0">
<% it.metrics.forEach(function (m) { %><tr><td style="<%= it.style.td %>"><%= m.label %></td><td style="<%= it.style.td %>"><strong><%= m.value %></strong></td></tr>
<% }) %></table>
<% } %>
</div>
<p style="<%= it.style.p %>"><%= it.advice %></p>
<p style="margin:16px 0;"><a href="<%= it.planUrl %>" style="<%= it.style.button %>">Open your plan</a></p>
`);

/** Information-only reminder that a shoe passed the mileage threshold (never changes the plan). */
export function renderShoeMileageEmail(input: ShoeMileageEmailInput): RenderedEmail {
  const name = displayName(input.firstName);
  const shoe = displayName(input.shoeName, 80);
  const planUrl = httpUrl(input.links.plan);
  const unsubscribeUrl = httpUrl(input.links.unsubscribe);
  const greeting = name ? `Hi ${name},` : 'Hi,';
  const [reason] = alertReasons([input.detection], input.units ?? 'metric');
  const message = displayName(reason?.message ?? input.detection.message, 600);
  const metrics = [...(reason?.facts ?? [])];
  const headline = shoe ? `time to check your shoes (${shoe})` : 'time to check your shoes';

  const html = renderLayout({
    title: 'Time to check your shoes',
    preheader: message,
    bodyHtml: renderBody({ style: STYLE, greeting, message, metrics, advice: ADVICE, planUrl }),
    unsubscribeUrl,
  });
  const text = [
    greeting,
    '',
    message,
    ...metrics.map((m) => `    ${m.label}: ${m.value}`),
    '',
    ADVICE,
    '',
    `Open your plan: ${planUrl}`,
    textFooter({ unsubscribeUrl }),
  ].join('\n');
  return {
    subject: sanitizeHeaderValue(
      name ? `${name}, ${headline}` : `Time to check your shoes${shoe ? ` (${shoe})` : ''}`,
    ),
    text,
    html,
    headers: sanitizeHeaders({
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    }),
  };
}
