import { describe, expect, it } from 'vitest';
import { renderShoeMileageEmail } from '../../../src/email/templates/shoe-mileage.js';
import { renderTaperEmail } from '../../../src/email/templates/taper.js';
import { renderVerificationEmail } from '../../../src/email/templates/verification.js';
import { LINKS, PLAN } from './fixtures.js';

const hrefs = (html: string) =>
  [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

describe('renderVerificationEmail', () => {
  const confirmUrl = 'https://rampguard.example/account/email/verify?token=abc&x=1';
  const email = renderVerificationEmail({ firstName: 'Sam', confirmUrl });

  it('has exactly one link, to the confirm page, in both parts', () => {
    expect(hrefs(email.html)).toEqual([confirmUrl]);
    expect(email.text).toContain(confirmUrl);
    expect(email.text.match(/https?:\/\//g)).toHaveLength(1);
  });

  it('is transactional: no List-Unsubscribe, no medical note', () => {
    expect(email.subject).toBe('Confirm your email address for RampGuard');
    expect(email.headers).toEqual({ 'Auto-Submitted': 'auto-generated' });
    expect(email.text).not.toContain('physical therapist');
    expect(email.html).toContain('Powered by Strava');
  });
});

describe('renderTaperEmail', () => {
  it.each([
    ['daily', 7, 'Sam, two weeks without a new ramp: how does your knee feel?'],
    ['taper', 4, 'Sam, your knee exercises taper to 4 sessions a week'],
    ['maintenance', 3, 'Sam, your knee exercises drop to 3 sessions a week'],
  ] as const)('%s plan → %s', (phase, sessionsPerWeek, subject) => {
    const email = renderTaperEmail({
      firstName: 'Sam',
      plan: { ...PLAN, phase, sessionsPerWeek },
      links: LINKS,
    });
    expect(email.subject).toBe(subject);
    expect(email.headers['List-Unsubscribe']).toBe(`<${LINKS.unsubscribe}>`);
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    for (const url of Object.values(LINKS.checkIn)) {
      expect(hrefs(email.html)).toContain(url);
      expect(email.text).toContain(url);
    }
    expect(email.text).toContain('general guidance');
  });
});

describe('renderShoeMileageEmail', () => {
  const input = {
    firstName: 'Sam',
    shoeName: 'Pegasus <41>',
    detection: {
      kind: 'shoe_mileage' as const,
      severity: 'info' as const,
      localDate: '2025-03-09',
      message: 'stored message',
      metrics: { gearId: 'g4141', shoeName: 'Pegasus <41>', shoeDistanceKm: 812 },
    },
    links: LINKS,
  };
  const email = renderShoeMileageEmail(input);

  it('names the shoe, escapes it in HTML, and says the plan is unchanged', () => {
    expect(email.subject).toBe('Sam, time to check your shoes (Pegasus <41>)');
    expect(email.html).toContain('Pegasus &lt;41&gt; passed 800 km');
    expect(email.html).not.toContain('<41>');
    expect(email.text).toContain('Your Pegasus <41> passed 800 km with your run on Sun 9 Mar (812.0 km).');
    expect(email.text).toContain('Distance on them: 812.0 km');
    expect(email.text).not.toContain('g4141');
    expect(email.text).toContain('does not change your exercise plan');
    expect(hrefs(email.html)).toEqual([LINKS.plan, LINKS.unsubscribe]);
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('uses the runner’s units', () => {
    const miles = renderShoeMileageEmail({ ...input, units: 'imperial' });
    expect(miles.text).toContain('passed 497.1 mi with your run on Sun 9 Mar (504.6 mi)');
    expect(miles.text).toContain('Distance on them: 504.6 mi');
    expect(`${miles.subject}\n${miles.text}`).not.toMatch(/\bkm\b/);
  });
});
