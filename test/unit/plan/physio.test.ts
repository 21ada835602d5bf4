import { describe, expect, it } from 'vitest';
import { initialPlan, nextPlan } from '../../../src/domain/plan.js';
import type { CheckIn } from '../../../src/domain/types.js';
import { checkIn, day } from './fixtures.js';

function seePhysio(checkIns: CheckIn[], asOf = day(40), timeZone?: string) {
  return nextPlan({ current: initialPlan(day(0)), detections: [], checkIns, asOf, timeZone }).plan.seePhysio;
}

const pains = (...days: number[]) => days.map((d) => checkIn('pain', day(d)));

describe('seePhysio', () => {
  it.each([
    { name: 'no check-ins', checkIns: [], expected: false },
    { name: 'pain on one day', checkIns: pains(1), expected: false },
    { name: 'pain on 6 consecutive days', checkIns: pains(1, 2, 3, 4, 5, 6), expected: false },
    { name: 'pain on 7 consecutive days', checkIns: pains(1, 2, 3, 4, 5, 6, 7), expected: true },
    { name: 'pain on the first and seventh day', checkIns: pains(1, 7), expected: true },
    { name: 'pain on day 1 and day 6', checkIns: pains(1, 6), expected: false },
    {
      name: 'several reports on the same day count once',
      checkIns: pains(1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6),
      expected: false,
    },
    {
      name: 'sore does not count as pain',
      checkIns: [...pains(1), checkIn('sore', day(8))],
      expected: false,
    },
    {
      name: 'sore between pain days does not end the episode',
      checkIns: [...pains(1), checkIn('sore', day(4)), ...pains(8)],
      expected: true,
    },
    {
      name: 'a fine report ends the episode',
      checkIns: [...pains(1, 3), checkIn('fine', day(4)), ...pains(5, 8)],
      expected: false,
    },
    {
      name: 'a fine after 7 days of pain clears the advice',
      checkIns: [...pains(1, 7), checkIn('fine', day(9))],
      expected: false,
    },
    { name: 'a gap over 7 days starts a new episode', checkIns: pains(1, 9), expected: false },
    { name: 'a gap of exactly 7 days continues it', checkIns: pains(1, 8), expected: true },
    { name: 'check-ins after asOf are ignored', checkIns: pains(1, 50), expected: false },
  ])('$name → $expected', ({ checkIns, expected }) => {
    expect(seePhysio(checkIns)).toBe(expected);
  });

  it('uses the runner’s local days', () => {
    const reports = [
      checkIn('pain', new Date('2025-03-03T23:30:00Z')),
      checkIn('pain', new Date('2025-03-09T00:30:00Z')),
    ];
    // UTC: 3 Mar .. 9 Mar = 7 local days. Los Angeles (UTC-8): 3 Mar .. 8 Mar = 6 days.
    expect(seePhysio(reports, new Date('2025-03-20T00:00:00Z'), 'UTC')).toBe(true);
    expect(seePhysio(reports, new Date('2025-03-20T00:00:00Z'), 'America/Los_Angeles')).toBe(false);
    // Tokyo (UTC+9): 4 Mar .. 9 Mar = 6 days.
    expect(seePhysio(reports, new Date('2025-03-20T00:00:00Z'), 'Asia/Tokyo')).toBe(false);
  });

  it('falls back to UTC for an unknown zone instead of throwing', () => {
    expect(seePhysio(pains(1, 7), day(40), 'Not/AZone')).toBe(true);
  });
});
