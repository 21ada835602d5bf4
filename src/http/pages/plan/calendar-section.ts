import { html, type SafeHtml } from '../html.js';

/** The runner's private iCalendar feed (`/plan.ics?token=…`), to subscribe to in a calendar app. */
export function calendarSection(feedUrl: string): SafeHtml {
  return html`<section class="card" aria-labelledby="calendar-title">
<h2 id="calendar-title">Put your sessions in your calendar</h2>
<p>Subscribe to this address in your calendar app; it follows your plan as it changes. <a href="${feedUrl}">Open the calendar feed</a></p>
<div class="field">
<label for="calendar-url">Calendar feed address</label>
<input type="url" id="calendar-url" class="feed" readonly value="${feedUrl}">
</div>
<p class="small muted">Keep it private: anyone with this address can see your exercise schedule (nothing else).</p>
</section>`;
}
