import { describe, expect, it } from 'vitest';
import { renderAlertEmail } from '../../../src/emails/alert.js';
import { alertInput, LINKS, PLAN } from './fixtures.js';

describe('renderAlertEmail', () => {
  const email = renderAlertEmail(alertInput());

  it('says what happened in plain words in the subject', () => {
    expect(email.subject).toBe(
      'Alex, your weekly distance jumped 45% and you switched to a different pair of shoes: daily knee exercises for the next 14 days',
    );
  });

  it('names the run for a single long run', () => {
    const single = renderAlertEmail(
      alertInput({
        detections: [
          {
            kind: 'session_spike',
            message: 'Long run.',
            metrics: { increasePct: 62 },
            activityName: 'Sunday long run',
          },
        ],
      }),
    );
    expect(single.subject).toBe(
      'Alex, your run "Sunday long run" was 62% longer than usual: daily knee exercises for the next 14 days',
    );
  });

  it('has the required headers', () => {
    expect(email.headers).toEqual({
      'X-RampGuard-Triggers': 'weekly_ramp,gear_change',
      'List-Unsubscribe': `<${LINKS.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    });
  });

  it('lists each trigger kind once', () => {
    const twice = renderAlertEmail(
      alertInput({
        detections: [
          { kind: 'session_spike', message: 'a', metrics: {} },
          { kind: 'session_spike', message: 'b', metrics: {} },
        ],
      }),
    );
    expect(twice.headers['X-RampGuard-Triggers']).toBe('session_spike');
  });

  it.each(['html', 'text'] as const)(
    'the %s part has the numbers, plan, exercises, links and notes',
    (part) => {
      const body = email[part];
      const decoded = part === 'html' ? body.replaceAll('&amp;', '&') : body;
      for (const url of [
        LINKS.plan,
        LINKS.checkIn.fine,
        LINKS.checkIn.sore,
        LINKS.checkIn.pain,
        LINKS.unsubscribe,
      ]) {
        expect(decoded).toContain(url);
      }
      expect(body).toContain('You ran 42.0 km in the last 7 days');
      expect(body).toContain('Increase (%)');
      expect(body).toContain('44.8');
      expect(body).toContain('12.3');
      expect(body).toContain('7 sessions a week');
      expect(body).toContain('Leg raise');
      expect(body).toContain('5 reps on each leg, hold 6 seconds each');
      expect(body).toContain('Glute bridge');
      expect(body).toContain('3 reps, hold 12 seconds each');
      expect(body).toContain('about 15 cm (6 in) off the floor');
      expect(body).toContain('belly button toward the ceiling');
      expect(body).toContain('general guidance');
      expect(body).toContain('see a physical therapist if knee pain lasts more than a week');
      expect(body).toContain('Powered by Strava');
    },
  );

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
      'Glute bridge (one leg at a time): 3 reps on each leg, hold 10 seconds each',
    );
    expect(progressed.text).toContain('straighten that leg');
  });

  it('escapes HTML from Strava names and messages', () => {
    const hostile = renderAlertEmail(
      alertInput({
        firstName: '<script>alert(1)</script>',
        detections: [
          {
            kind: 'session_spike',
            message: 'Run "<img src=x onerror=alert(1)>" was long',
            metrics: { '<b>key</b>': '<i>v</i>' },
            activityName: '<script>x</script>',
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
    expect(anonymous.subject).toMatch(/^Your weekly distance jumped 45%/);
    expect(anonymous.text).toMatch(/^Hi,\n/);
  });

  it('is a pure function of its input', () => {
    expect(renderAlertEmail(alertInput())).toEqual(email);
  });
});
