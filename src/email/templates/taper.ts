import type { PlanJson } from '../../domain/plan-view.js';
import { capitalize } from './alert-reasons.js';
import { renderLayout, STYLE, textFooter } from './layout.js';
import { type CheckInLinks, checkInUrls, httpUrl } from './links.js';
import { displayName, sanitizeHeaders, sanitizeHeaderValue } from './sanitize.js';
import { checkInHtml, checkInText, planSectionHtml, planSectionText } from './sections.js';
import { compileHtml } from './templates.js';
import type { RenderedEmail } from './types.js';

export type TaperEmailInput = {
  firstName: string;
  /**
   * The plan as `GET /api/plan` returns it. Its phase picks the message: `daily` → "14 days
   * without a new ramp: check in so the plan can taper" (the suggestion); `taper` / `maintenance`
   * → "your plan has tapered to 4 / 3 sessions a week".
   */
  plan: PlanJson;
  links: { plan: string; checkIn: CheckInLinks; unsubscribe: string };
  timeZone?: string;
};

type Wording = { headline: string; intro: string };

function wordingFor(plan: PlanJson): Wording {
  if (plan.phase === 'daily') {
    return {
      headline: 'two weeks without a new ramp: how does your knee feel?',
      intro:
        'It has been 14 days since your plan went daily. If your knee feels fine, tap "Fine" below and your plan tapers to 4 sessions a week.',
    };
  }
  if (plan.phase === 'taper') {
    return {
      headline: 'your knee exercises taper to 4 sessions a week',
      intro: 'No new ramp for a while and your knee is doing well, so your plan tapers to 4 sessions a week.',
    };
  }
  return {
    headline: 'your knee exercises drop to 3 sessions a week',
    intro: 'Two more weeks without a new ramp or pain: your plan moves to maintenance, 3 sessions a week.',
  };
}

const renderBody = compileHtml<{
  style: typeof STYLE;
  greeting: string;
  intro: string;
  planHtml: string;
  checkInHtml: string;
}>(`<p style="<%= it.style.p %>"><%= it.greeting %></p>
<p style="<%= it.style.p %>"><%= it.intro %></p>
<%~ it.checkInHtml %>
<%~ it.planHtml %>
`);

/** Taper suggestion (still daily, asks for a check-in) or taper/maintenance announcement. */
export function renderTaperEmail(input: TaperEmailInput): RenderedEmail {
  const name = displayName(input.firstName);
  const planUrl = httpUrl(input.links.plan);
  const unsubscribeUrl = httpUrl(input.links.unsubscribe);
  const checkIn = checkInUrls(input.links.checkIn);
  const timeZone = input.timeZone ?? 'UTC';
  const { headline, intro } = wordingFor(input.plan);
  const greeting = name ? `Hi ${name},` : 'Hi,';

  const html = renderLayout({
    title: capitalize(headline),
    preheader: intro,
    bodyHtml: renderBody({
      style: STYLE,
      greeting,
      intro,
      checkInHtml: checkInHtml(checkIn),
      planHtml: planSectionHtml(input.plan, planUrl, timeZone),
    }),
    unsubscribeUrl,
  });
  const text = [
    greeting,
    '',
    intro,
    '',
    checkInText(checkIn),
    '',
    planSectionText(input.plan, planUrl, timeZone),
    textFooter({ unsubscribeUrl }),
  ].join('\n');
  return {
    subject: sanitizeHeaderValue(name ? `${name}, ${headline}` : capitalize(headline)),
    text,
    html,
    headers: sanitizeHeaders({
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    }),
  };
}
