import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderAlertEmail } from '../../../src/email/templates/alert.js';
import { sanitizeHeaderValue } from '../../../src/email/templates/sanitize.js';
import { renderShoeMileageEmail } from '../../../src/email/templates/shoe-mileage.js';
import { renderTaperEmail } from '../../../src/email/templates/taper.js';
import type { RenderedEmail } from '../../../src/email/templates/types.js';
import { renderVerificationEmail } from '../../../src/email/templates/verification.js';
import { alertInput, HEADER_BREAK, LINE_BREAKS, LINKS, PLAN } from './fixtures.js';

/** Strings that are mostly line breaks and header-looking text, plus arbitrary unicode. */
const hostile = fc.oneof(
  fc
    .array(
      fc.oneof(fc.constantFrom(...LINE_BREAKS, 'Bcc: victim@example.com', ':', ' ', 'é', '🏃'), fc.string()),
      {
        maxLength: 12,
      },
    )
    .map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

function expectSingleLineHeaders(email: RenderedEmail) {
  expect(email.subject).not.toMatch(HEADER_BREAK);
  for (const [name, value] of Object.entries(email.headers)) {
    expect(name).toMatch(/^[A-Za-z-]+$/);
    expect(value).not.toMatch(HEADER_BREAK);
  }
}

describe('header injection', () => {
  it('sanitizeHeaderValue leaves no line break and no control character', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const clean = sanitizeHeaderValue(value);
        expect(clean).not.toMatch(HEADER_BREAK);
        expect(clean).not.toMatch(/\p{Cc}/u);
        expect([...clean].length).toBeLessThanOrEqual(200);
      }),
    );
  });

  it('keeps ordinary names intact', () => {
    expect(sanitizeHeaderValue('  Zoë  Ñúñez 🏃 ')).toBe('Zoë Ñúñez 🏃');
    expect(sanitizeHeaderValue('Alex\r\nBcc: x@example.com')).toBe('Alex Bcc: x@example.com');
  });

  it('never puts a line break into an alert subject or header', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (firstName, shoeName, message) => {
        const email = renderAlertEmail(
          alertInput({
            firstName,
            detections: [
              {
                kind: 'gear_change',
                severity: 'high',
                localDate: '2026-03-03',
                message,
                metrics: { gearId: 'g1', shoeName, shoeDistanceKm: 3 },
              },
              { kind: 'session_spike', message, metrics: { increasePct: 40 } },
            ],
          }),
        );
        expectSingleLineHeaders(email);
      }),
    );
  });

  it('never puts a line break into the other emails’ subjects or headers', () => {
    fc.assert(
      fc.property(hostile, hostile, (firstName, shoeName) => {
        expectSingleLineHeaders(renderVerificationEmail({ firstName, confirmUrl: LINKS.plan }));
        expectSingleLineHeaders(renderTaperEmail({ firstName, plan: PLAN, links: LINKS }));
        expectSingleLineHeaders(
          renderShoeMileageEmail({
            firstName,
            shoeName,
            detection: { kind: 'shoe_mileage', message: shoeName, metrics: {} },
            links: LINKS,
          }),
        );
      }),
    );
  });

  it.each(LINE_BREAKS)('strips %j from a subject built from a name', (br) => {
    const email = renderAlertEmail(alertInput({ firstName: `Al${br}X-Evil: 1${br}` }));
    expect(email.subject.startsWith('Al X-Evil: 1, ')).toBe(true);
  });
});
