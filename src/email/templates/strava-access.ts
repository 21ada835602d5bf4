import type { StravaRefusal } from '../../db/repositories/email-outbox.js';
import { renderLayout, STYLE, textFooter } from './layout.js';
import { httpUrl } from './links.js';
import { displayName, sanitizeHeaders, sanitizeHeaderValue } from './sanitize.js';
import { compileHtml } from './templates.js';
import type { RenderedEmail } from './types.js';

export type StravaAccessEmailInput = {
  firstName: string;
  refusal: StravaRefusal;
  /** `GET /auth/strava`: starts a new connection on Strava's consent page. */
  links: { reconnect: string; plan: string; unsubscribe: string };
};

/** What happened, in the runner's words (the plan page says the same: strava-access-notice.ts). */
const WHY: Record<StravaRefusal, string> = {
  activity_scope_missing:
    'Strava does not let RampGuard see your activities: the box "View data about your activities" was not ticked when you connected.',
  access_revoked: 'Strava says RampGuard no longer has access to your account.',
  grant_invalid: 'Strava no longer accepts RampGuard\u2019s access to your account.',
  athlete_not_found: 'Strava could not find your athlete account.',
  strava_failing: 'Strava kept failing for hours when RampGuard read your runs, so RampGuard stopped trying.',
};

const WHAT_TO_DO = 'Reconnect with Strava and tick "View data about your activities".';
const MEANWHILE =
  'Until then RampGuard reads nothing from Strava, so it will not notice new runs or change your knee plan.';

const renderBody = compileHtml<{
  style: typeof STYLE;
  greeting: string;
  why: string;
  whatToDo: string;
  meanwhile: string;
  reconnectUrl: string;
  planUrl: string;
}>(`<p style="<%= it.style.p %>"><%= it.greeting %></p>
<p style="<%= it.style.warn %>"><%= it.why %></p>
<p style="<%= it.style.p %>"><strong><%= it.whatToDo %></strong></p>
<p style="margin:16px 0;"><a href="<%= it.reconnectUrl %>" style="<%= it.style.button %>">Reconnect with Strava</a><a href="<%= it.planUrl %>" style="<%= it.style.secondaryButton %>">Open your plan</a></p>
<p style="<%= it.style.p %>"><%= it.meanwhile %></p>
`);

/**
 * Sent once when a runner is parked (docs/strava-quota.md): RampGuard has stopped
 * reading their runs and only they can fix it.
 */
export function renderStravaAccessEmail(input: StravaAccessEmailInput): RenderedEmail {
  const name = displayName(input.firstName);
  const greeting = name ? `Hi ${name},` : 'Hi,';
  const reconnectUrl = httpUrl(input.links.reconnect);
  const planUrl = httpUrl(input.links.plan);
  const unsubscribeUrl = httpUrl(input.links.unsubscribe);
  const why = WHY[input.refusal];
  const html = renderLayout({
    title: 'RampGuard cannot read your runs',
    preheader: WHAT_TO_DO,
    bodyHtml: renderBody({
      style: STYLE,
      greeting,
      why,
      whatToDo: WHAT_TO_DO,
      meanwhile: MEANWHILE,
      reconnectUrl,
      planUrl,
    }),
    unsubscribeUrl,
    showGuidance: false,
  });
  const text = [
    greeting,
    '',
    why,
    '',
    WHAT_TO_DO,
    `Reconnect: ${reconnectUrl}`,
    '',
    MEANWHILE,
    `Your plan: ${planUrl}`,
    textFooter({ unsubscribeUrl, showGuidance: false }),
  ].join('\n');
  return {
    subject: sanitizeHeaderValue(
      name
        ? `${name}, RampGuard cannot read your runs on Strava`
        : 'RampGuard cannot read your runs on Strava',
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
