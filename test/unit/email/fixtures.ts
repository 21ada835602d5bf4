import type { PlanJson } from '../../../src/domain/plan-view.js';
import type { AlertEmailInput } from '../../../src/emails/alert.js';

export const PLAN: PlanJson = {
  phase: 'daily',
  sessionsPerWeek: 7,
  exercises: [
    { id: 'leg-raise', name: 'Leg raise', reps: 5, perLeg: true, holdSeconds: 6, variant: 'standard' },
    { id: 'glute-bridge', name: 'Glute bridge', reps: 3, perLeg: false, holdSeconds: 12, variant: 'two-leg' },
  ],
  reasons: ['det-1'],
  since: '2025-03-10T08:00:00.000Z',
  nextReview: '2025-03-24T08:00:00.000Z',
  seePhysio: false,
  history: [],
};

export const LINKS = {
  plan: 'https://rampguard.example/plan',
  checkIn: {
    fine: 'https://rampguard.example/checkin?feeling=fine&token=t1',
    sore: 'https://rampguard.example/checkin?feeling=sore&token=t2',
    pain: 'https://rampguard.example/checkin?feeling=pain&token=t3',
  },
  unsubscribe: 'https://rampguard.example/unsubscribe?token=u1',
};

export function alertInput(overrides: Partial<AlertEmailInput> = {}): AlertEmailInput {
  return {
    firstName: 'Alex',
    detections: [
      {
        kind: 'weekly_ramp',
        message: 'You ran 42.0 km in the last 7 days, 45% more than your recent weekly average of 29.0 km.',
        metrics: { weekKm: 42, baselineWeeklyKm: 29, increasePct: 44.8 },
        severity: 'moderate',
      },
      {
        kind: 'gear_change',
        message: 'First run in Pegasus 41, a pair you had not worn in the last 60 days.',
        metrics: { shoeKm: 12.34 },
        severity: 'high',
      },
    ],
    plan: PLAN,
    links: LINKS,
    ...overrides,
  };
}

/** Every character that could end a header line somewhere. */
export const LINE_BREAKS = ['\r', '\n', '\r\n', '\u2028', '\u2029', '\u0085', '\u000b', '\u000c'];
export const HEADER_BREAK = /[\r\n\u2028\u2029\u0085\v\f]/;
