import { describe, expect, it } from 'vitest';
import { KIND_HEADINGS } from '../../../src/domain/detection-text.js';
import { renderAlertEmail } from '../../../src/email/templates/alert.js';
import { SECTION_HEADINGS } from '../../../src/email/templates/format.js';
import type { EmailDetection } from '../../../src/email/templates/types.js';
import { alertInput, LINKS, PLAN } from './fixtures.js';

/** The text a reader sees in the HTML part: tags dropped, entities decoded, whitespace collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<div style="display:none[^>]*>.*?<\/div>/s, '')
    .replace(/<\/?(?:strong|span|a)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&amp;', '&')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replace(/\s+/g, ' ');
}

function percentages(text: string): string[] {
  return [...text.matchAll(/\d+%/g)].map((m) => m[0]);
}

const spike = (increasePct: number, localDate = '2025-03-09'): EmailDetection => ({
  kind: 'session_spike',
  severity: increasePct > 100 ? 'high' : increasePct > 30 ? 'moderate' : 'low',
  localDate,
  message: 'stored message',
  metrics: { distanceKm: 16, longestPrior30dKm: 8, increasePct },
});

const weekly = (increasePct: number, localDate: string): EmailDetection => ({
  kind: 'weekly_ramp',
  severity: increasePct > 60 ? 'high' : 'moderate',
  localDate,
  message: 'stored message',
  metrics: { last7dKm: 40 + increasePct / 10, baselineWeeklyKm: 30, increasePct },
});

describe('renderAlertEmail', () => {
  const email = renderAlertEmail(alertInput());

  it('names the largest reason first in the subject, with the numbers the body shows', () => {
    expect(email.subject).toBe(
      'Alex, new shoes (Pegasus 41) and weekly distance up 45%: daily knee exercises for the next 14 days',
    );
    const body = email.text;
    for (const pct of percentages(email.subject)) expect(body).toContain(pct);
    expect(body).toContain('Your run on Sun 9 Mar was your first in Pegasus 41');
  });

  it('has one section per kind, the largest of that kind since the last alert', () => {
    const ramping = renderAlertEmail(
      alertInput({
        detections: [weekly(35, '2025-03-06'), weekly(48, '2025-03-07'), weekly(72, '2025-03-09')],
      }),
    );
    expect(ramping.text.match(/Weekly distance jump/g)).toHaveLength(1);
    expect(ramping.text).toContain('Weekly distance jump (Sun 9 Mar)');
    expect(ramping.text).toContain('72% more than your average week');
    expect(ramping.text).not.toContain('35%');
    expect(ramping.text).not.toContain('48%');
    expect(ramping.subject).toContain('weekly distance up 72%');
    // The header still lists every kind that raised the plan.
    expect(ramping.headers['X-RampGuard-Triggers']).toBe('weekly_ramp');
  });

  it('agrees between subject and body for every pair of kinds (kinds and percentages)', () => {
    const email3 = renderAlertEmail(
      alertInput({
        detections: [
          spike(100),
          {
            kind: 'intensity_ramp',
            severity: 'moderate',
            localDate: '2025-03-09',
            message: 'stored',
            metrics: {
              last7dLoad: 420,
              baselineWeeklyLoad: 300,
              increasePct: 40,
              hardRuns: 1,
              baselineHardRunsPerWeek: 0.3,
              firedOn: 'load',
            },
          },
        ],
      }),
    );
    expect(email3.subject).toMatch(
      /^Alex, a run 100% longer than your longest in 30 days and training load up 40%/,
    );
    for (const pct of percentages(email3.subject)) {
      expect(email3.text).toContain(pct);
      expect(visibleText(email3.html)).toContain(pct);
    }
    expect(email3.text).toContain(KIND_HEADINGS.session_spike);
    expect(email3.text).toContain(KIND_HEADINGS.intensity_ramp);
  });

  it('counts hard runs the same way in the text and the numbers, and shows only what fired', () => {
    const hard = renderAlertEmail(
      alertInput({
        detections: [
          {
            kind: 'intensity_ramp',
            severity: 'moderate',
            localDate: '2025-03-09',
            message: 'stored',
            metrics: {
              last7dLoad: 250,
              baselineWeeklyLoad: 240,
              increasePct: 4,
              hardRuns: 3,
              baselineHardRunsPerWeek: 0.3,
              firedOn: 'hard_runs',
            },
          },
        ],
      }),
    );
    expect(hard.subject).toContain('3 hard runs in 7 days');
    expect(hard.text).toContain('You did 3 hard runs');
    expect(hard.text).toContain('against 0.3 a week');
    expect(hard.text).toContain('Hard runs, last 7 days: 3');
    expect(hard.text).toContain('Hard runs a week, 3 weeks before: 0.3');
    // The load did not fire: its numbers would contradict "harder" and are left out.
    expect(hard.text).not.toContain('Training load');
    expect(hard.text).not.toContain('4%');
  });

  it('never shows a raw gear id, also for a shoe missing from the shoe list', () => {
    const unknown = renderAlertEmail(
      alertInput({
        detections: [
          {
            kind: 'gear_change',
            severity: 'moderate',
            localDate: '2025-03-09',
            message: 'Your run was your first in shoe g8812.',
            metrics: { gearId: 'g8812', shoeName: null, shoeDistanceKm: null },
          },
        ],
      }),
    );
    for (const e of [email, unknown]) {
      expect(e.text).not.toContain('g8812');
      expect(e.html).not.toContain('g8812');
      expect(e.subject).not.toContain('g8812');
    }
    expect(unknown.text).toContain('a pair of shoes not in your Strava shoe list');
  });

  it('uses the runner’s units everywhere: a runner in miles never sees km', () => {
    const miles = renderAlertEmail(
      alertInput({ detections: [spike(100), ...alertInput().detections], units: 'imperial' }),
    );
    for (const part of [miles.subject, miles.text, visibleText(miles.html)]) {
      expect(part).not.toMatch(/\bkm\b/);
    }
    expect(miles.text).toContain('Your 9.9 mi run on Sun 9 Mar');
    expect(miles.text).toContain('This run: 9.9 mi');
    expect(miles.text).toContain('Last 7 days: 26.1 mi');
    expect(miles.text).toContain('Distance on them: 7.6 mi');
    expect(email.text).toContain('Last 7 days: 42.0 km');
  });

  it('uses the plan page’s headings', () => {
    for (const heading of [
      SECTION_HEADINGS.why,
      SECTION_HEADINGS.exercises,
      SECTION_HEADINGS.checkIn,
      KIND_HEADINGS.weekly_ramp,
      KIND_HEADINGS.gear_change,
    ]) {
      expect(email.text).toContain(heading);
      expect(email.html).toContain(heading);
    }
  });

  it('has the required headers', () => {
    expect(email.headers).toEqual({
      'X-RampGuard-Triggers': 'weekly_ramp,gear_change',
      'List-Unsubscribe': `<${LINKS.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    });
  });

  it('gives the text and HTML parts the same content: reasons, numbers, plan, exercises, links, notes', () => {
    const restarted = renderAlertEmail(
      alertInput({
        plan: {
          ...PLAN,
          history: [
            { phase: 'daily', sessionsPerWeek: 7, since: '2025-03-10T08:00:00.000Z', reasons: ['det-1'] },
            { phase: 'daily', sessionsPerWeek: 7, since: '2025-03-01T08:00:00.000Z', reasons: ['det-0'] },
          ],
        },
      }),
    );
    const html = visibleText(restarted.html);
    const hrefs = restarted.html.replaceAll('&amp;', '&');
    const text = restarted.text.replace(/\s+/g, ' ');
    for (const url of [
      LINKS.plan,
      LINKS.checkIn.fine,
      LINKS.checkIn.sore,
      LINKS.checkIn.pain,
      LINKS.unsubscribe,
    ]) {
      expect(restarted.text).toContain(url);
      expect(hrefs).toContain(url);
    }
    for (const words of [
      'Two changes in your running call for extra care of your knees: new shoes (Pegasus 41) and weekly distance up 45%.',
      'You ran 42.0 km in the 7 days to Sun 9 Mar, 45% more than your average week over the 3 weeks before (29.0 km).',
      'Your run on Sun 9 Mar was your first in Pegasus 41, a new or little-used pair (12.3 km on it).',
      'Average week, 3 weeks before',
      '29.0 km',
      'Distance on them',
      '12.3 km',
      'You were already on daily exercises after an earlier change: the 14 days start again from today.',
      'Do both exercises every day (7 sessions a week).',
      "Leg raise, today's dose: 5 reps on each leg, hold 6 seconds each",
      "Glute bridge, today's dose: 3 reps, hold 12 seconds each",
      'about 15 cm (6 in) off the floor',
      'belly button toward the ceiling',
      'Strengthens the quadriceps',
      'Tell us with one click; the plan tapers back as you feel able.',
      'general guidance',
      'see a physical therapist if knee pain lasts more than a week',
      'Powered by Strava',
    ]) {
      expect(text, 'text part').toContain(words);
      expect(html, 'HTML part').toContain(words);
    }
  });

  it('says how the new version relates to the last one', () => {
    const fromTaper = renderAlertEmail(
      alertInput({
        plan: {
          ...PLAN,
          history: [
            { phase: 'daily', sessionsPerWeek: 7, since: '2025-03-10T08:00:00.000Z', reasons: ['det-1'] },
            { phase: 'taper', sessionsPerWeek: 4, since: '2025-02-20T08:00:00.000Z', reasons: [] },
          ],
        },
      }),
    );
    expect(fromTaper.text).toContain('That is up from 4 sessions a week.');
    const firstTrigger = renderAlertEmail(
      alertInput({
        plan: {
          ...PLAN,
          history: [
            { phase: 'daily', sessionsPerWeek: 7, since: '2025-03-10T08:00:00.000Z', reasons: ['det-1'] },
            { phase: 'daily', sessionsPerWeek: 7, since: '2025-03-08T08:00:00.000Z', reasons: [] },
          ],
        },
      }),
    );
    expect(firstTrigger.text).toContain(
      'Your plan has been daily since you connected; the 14 days now count from today.',
    );
  });

  it('falls back to the stored message for rows queued before detections carried their day', () => {
    const legacy = renderAlertEmail(
      alertInput({
        detections: [
          {
            kind: 'session_spike',
            message: 'Your 14.5 km run was 45% longer than usual.',
            metrics: { distanceKm: 14.5, increasePct: 45 },
          },
        ],
      }),
    );
    expect(legacy.text).toContain('Your 14.5 km run was 45% longer than usual.');
    expect(legacy.subject).toBe('Alex, longer run than usual: daily knee exercises for the next 14 days');
  });

  it('is a mobile-friendly HTML document', () => {
    expect(email.html).toMatch(/^<!doctype html>/);
    expect(email.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(email.html).toContain('max-width:600px');
    expect(email.html).not.toContain('<style');
  });

  it('shows the physical-therapist advice when the plan says so', () => {
    const physio = renderAlertEmail(alertInput({ plan: { ...PLAN, seePhysio: true } }));
    expect(physio.text).toContain('reported knee pain across 7 or more days');
    expect(physio.html).toContain('reported knee pain across 7 or more days');
    expect(email.text).not.toContain('reported knee pain across 7 or more days');
  });

  it('shows single-leg bridge steps after the progression', () => {
    const progressed = renderAlertEmail(
      alertInput({
        plan: {
          ...PLAN,
          exercises: [
            PLAN.exercises[0]!,
            { ...PLAN.exercises[1]!, perLeg: true, variant: 'single-leg', holdSeconds: 10 },
          ],
        },
      }),
    );
    expect(progressed.text).toContain(
      "Glute bridge (one leg at a time), today's dose: 3 reps on each leg, hold 10 seconds each",
    );
    expect(progressed.text).toContain('straighten that leg');
  });

  it('escapes HTML from Strava names and messages', () => {
    const hostile = renderAlertEmail(
      alertInput({
        firstName: '<script>alert(1)</script>',
        detections: [
          {
            kind: 'gear_change',
            severity: 'high',
            localDate: '2025-03-09',
            message: 'stored',
            metrics: { gearId: 'g1', shoeName: '<img src=x onerror=alert(1)>', shoeDistanceKm: 1 },
          },
          {
            kind: 'session_spike',
            message: 'Run "<b>x</b>" was long',
            metrics: { '<b>key</b>': '<i>v</i>' },
          },
        ],
      }),
    );
    expect(hostile.html).not.toMatch(/<script|<img|<b>|<i>/);
    expect(hostile.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('refuses links that are not absolute http(s) URLs', () => {
    expect(() => renderAlertEmail(alertInput({ links: { ...LINKS, plan: 'javascript:alert(1)' } }))).toThrow(
      RangeError,
    );
    expect(() => renderAlertEmail(alertInput({ links: { ...LINKS, unsubscribe: '/unsubscribe' } }))).toThrow(
      RangeError,
    );
  });

  it('works without a first name', () => {
    const anonymous = renderAlertEmail(alertInput({ firstName: ' \r\n ' }));
    expect(anonymous.subject).toMatch(/^New shoes \(Pegasus 41\) and weekly distance up 45%/);
    expect(anonymous.text).toMatch(/^Hi,\n/);
  });

  it('is a pure function of its input', () => {
    expect(renderAlertEmail(alertInput())).toEqual(email);
  });
});
