import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRAVA_REFUSALS } from '../../../src/db/schema/index.js';
import { renderStravaAccessEmail } from '../../../src/email/templates/strava-access.js';
import { HEADER_BREAK, LINE_BREAKS } from './fixtures.js';

const LINKS = {
  reconnect: 'https://rampguard.example/auth/strava',
  plan: 'https://rampguard.example/plan',
  unsubscribe: 'https://rampguard.example/unsubscribe?token=t',
};

describe('the parked-runner email', () => {
  it.each(STRAVA_REFUSALS)('for %s says what happened and what to do, with a reconnect link', (refusal) => {
    const email = renderStravaAccessEmail({ firstName: 'Ada', refusal, links: LINKS });
    expect(email.subject).toBe('Ada, RampGuard cannot read your runs on Strava');
    for (const body of [email.text, email.html]) {
      expect(body).toContain(LINKS.reconnect);
      expect(body).toMatch(/tick (&quot;|")View data about your activities(&quot;|")/);
    }
    expect(email.headers['List-Unsubscribe']).toBe(`<${LINKS.unsubscribe}>`);
  });

  it('never lets a Strava first name break a header or the HTML', () => {
    const hostile = fc.oneof(
      fc
        .array(fc.oneof(fc.constantFrom(...LINE_BREAKS, 'Bcc: x@example.com', '<b>', '"'), fc.string()), {
          maxLength: 8,
        })
        .map((parts) => parts.join('')),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
    );
    fc.assert(
      fc.property(hostile, fc.constantFrom(...STRAVA_REFUSALS), (firstName, refusal) => {
        const email = renderStravaAccessEmail({ firstName, refusal, links: LINKS });
        expect(email.subject).not.toMatch(HEADER_BREAK);
        for (const value of Object.values(email.headers)) expect(value).not.toMatch(HEADER_BREAK);
        expect(email.html).not.toContain('<b>');
      }),
    );
  });
});
