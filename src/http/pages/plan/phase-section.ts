import { formatDayLabel } from '../../../domain/messages.js';
import { addDaysToLocalDate, WEEKDAYS, weekdayOf } from '../../../domain/plan/local-date.js';
import { type PlanJson, weekSchedule } from '../../../domain/plan-view.js';
import { phaseSummary, reviewSentence } from '../../../email/templates/format.js';
import { html, type SafeHtml } from '../html.js';

const PHASE_NAMES = { daily: 'Daily', taper: 'Taper', maintenance: 'Maintenance' } as const;

/** Monday of the week that contains `localDate` (ISO weeks). */
function mondayOf(localDate: string): string {
  return addDaysToLocalDate(localDate, -WEEKDAYS.indexOf(weekdayOf(localDate)));
}

/** Mon–Sun of this week, session days marked, today outlined (in the runner's time zone). */
function weekList(plan: PlanJson, today: string): SafeHtml {
  const { sessionsPerWeek: count } = plan;
  const days = weekSchedule({ sessionsPerWeek: count === 4 || count === 3 ? count : 7 }, mondayOf(today));
  return html`<ol class="week" aria-label="This week">${days.map((day) => {
    const [weekday, date, month] = formatDayLabel(day.localDate).split(' ');
    const isToday = day.localDate === today;
    const classes = [day.session ? 'session' : 'rest', isToday ? 'today' : ''].filter(Boolean).join(' ');
    // On a phone the month and the word under each day collapse to a dot; screen readers still hear the words.
    return html`<li class="${classes}"${isToday ? html` aria-current="date"` : ''}><span class="day-name">${weekday}</span><span class="day-date">${date}<span class="narrow-hidden"> ${month}</span></span><span class="mark"><span class="dot" aria-hidden="true"></span><span class="narrow-hidden">${day.session ? 'Exercises' : 'Rest'}</span></span>${isToday ? html`<span class="today-label">Today</span>` : ''}</li>`;
  })}</ol>`;
}

/** Today's phase and sessions per week in big type, what that means, and this week's schedule. */
export function phaseSection(plan: PlanJson, today: string, timeZone: string): SafeHtml {
  const review = reviewSentence(plan, timeZone);
  return html`<section class="card" aria-labelledby="phase-title">
<h2 id="phase-title" class="visually-hidden">Your plan today</h2>
<p class="phase"><span class="phase-name">${PHASE_NAMES[plan.phase]}</span><span class="phase-count">${plan.sessionsPerWeek} sessions a week</span></p>
<p>${phaseSummary(plan.phase, plan.sessionsPerWeek)}${review ? html` ${review}` : ''}</p>
<h3>This week</h3>
${weekList(plan, today)}
</section>`;
}
