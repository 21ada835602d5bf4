import type { RequestHandler } from 'express';
import type { AppDeps } from '../../../app/deps.js';
import { html } from '../html.js';
import { sendPrivatePage } from '../layout.js';
import { pageRunnerId, pageSession, siteOf } from '../page-session.js';
import { calendarSection } from './calendar-section.js';
import { checkInSection, parseFeeling } from './checkin-section.js';
import { contextSection } from './context-section.js';
import { detectionsSection } from './detections-section.js';
import { exerciseSection } from './exercise-section.js';
import { historySection } from './history-section.js';
import { loadPlanPage } from './load-plan-page.js';
import { physioNotice, runnerNotices } from './notices.js';
import { phaseSection } from './phase-section.js';
import { markWeeks } from './weekly-chart.js';

/**
 * `GET /plan` (docs/contract.md#http-routes): the runner's plan in their time zone and units:
 * phase, this week, how to do each exercise, why the plan changed (with View
 * on Strava links), 12 weeks of distance, context figures, history, check-in
 * and the calendar feed. Signed-in only; anyone else goes to the start page.
 */
export function planPage(deps: AppDeps): RequestHandler[] {
  const render: RequestHandler = async (req, res) => {
    const data = await loadPlanPage(deps, pageRunnerId(req));
    if (!data) return void res.redirect(303, '/');
    const { runner, plan } = data;
    const weeks = markWeeks(data.context.weeks, data.all);
    sendPrivatePage(res, 200, {
      title: 'Your knee exercise plan',
      ...siteOf(deps, req),
      body: html`${physioNotice(plan.seePhysio)}
${runnerNotices(runner, deps.sandbox?.knowsGrant(runner.athleteId) === false)}
${phaseSection(plan, data.today, runner.timezone)}
${checkInSection(parseFeeling(req.query.checkin))}
${exerciseSection(plan.exercises)}
${detectionsSection(data)}
${contextSection(data.context, weeks, data.shoes, data.units)}
${historySection(plan.history, data.byId, runner.timezone)}
${calendarSection(data.calendarUrl)}`,
    });
  };
  return [...pageSession(deps), render];
}
