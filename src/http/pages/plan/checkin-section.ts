import type { RequestHandler } from 'express';
import type { AppDeps } from '../../../app/deps.js';
import { recordCheckIn } from '../../../app/record-checkin.js';
import type { Feeling } from '../../../domain/types.js';
import { SECTION_HEADINGS } from '../../../email/templates/format.js';
import { html, type SafeHtml } from '../html.js';
import { sendPrivatePage } from '../layout.js';
import { formField, pageForm, pageRunnerId, siteOf } from '../page-session.js';

export const FEELING_LABELS: Record<Feeling, string> = {
  fine: 'Knee feels fine',
  sore: 'A bit sore',
  pain: 'Painful',
};

const THANKS: Record<Feeling, string> = {
  fine: 'Thanks: recorded that your knee feels fine.',
  sore: 'Thanks: recorded that your knee is a bit sore. Keep up the daily exercises.',
  pain: 'Thanks: recorded that your knee is painful. If the pain lasts more than a week, see a physical therapist.',
};

const FEELINGS = Object.keys(FEELING_LABELS) as Feeling[];

export function parseFeeling(value: unknown): Feeling | null {
  return FEELINGS.find((f) => f === value) ?? null;
}

/** Three one-button forms (no JavaScript): each posts its feeling to `/plan/checkin`. */
export function checkInSection(justRecorded: Feeling | null): SafeHtml {
  return html`<section class="card" id="checkin" aria-labelledby="checkin-title">
<h2 id="checkin-title">${SECTION_HEADINGS.checkIn}</h2>
${justRecorded ? html`<p class="notice-ok card" role="status">${THANKS[justRecorded]}</p>` : ''}
<p>Your answer moves the plan: it tapers once your knee feels fine, and pain reported over 7 or more days brings advice to see a physical therapist.</p>
<div class="checkin-forms">${FEELINGS.map(
    (f) => html`<form method="post" action="/plan/checkin">
<input type="hidden" name="feeling" value="${f}">
<button type="submit"${f === 'fine' ? '' : html` class="secondary"`}>${FEELING_LABELS[f]}</button>
</form>`,
  )}</div>
</section>`;
}

/**
 * `POST /plan/checkin`: the page twin of `POST /api/checkins`, through the
 * same use case (source `page`), then back to the plan (POST/redirect/GET).
 */
export function postPageCheckIn(deps: AppDeps): RequestHandler[] {
  const handle: RequestHandler = async (req, res) => {
    const feeling = parseFeeling(formField(req, 'feeling'));
    if (!feeling) {
      sendPrivatePage(res, 400, {
        title: 'Choose how your knee feels',
        ...siteOf(deps, req),
        body: html`<p>Use one of the three buttons on <a href="/plan#checkin">your plan page</a>.</p>`,
      });
      return;
    }
    const recorded = await recordCheckIn(deps, pageRunnerId(req), feeling, 'page');
    if (!recorded) return void res.redirect(303, '/');
    res.redirect(303, `/plan?checkin=${feeling}#checkin`);
  };
  return [...pageForm(deps), handle];
}
