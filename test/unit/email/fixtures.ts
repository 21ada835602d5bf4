import type { PlanJson } from '../../../src/domain/plan-view.js';
import type { AlertEmailInput } from '../../../src/email/templates/alert.js';

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

/** Two triggers as the analysis stores them: a weekly ramp and a first run in new shoes. */
export function alertInput(overrides: Partial<AlertEmailInput> = {}): AlertEmailInput {
  return {
    firstName: 'Alex',
    detections: [
      {
        kind: 'weekly_ramp',
        severity: 'moderate',
        localDate: '2025-03-09',
        message: 'You ran 42.0 km in the 7 days to Sun 9 Mar, 45% more than your average week.',
        metrics: { last7dKm: 42, baselineWeeklyKm: 29, increasePct: 45 },
      },
      {
        kind: 'gear_change',
        severity: 'high',
        localDate: '2025-03-09',
        message:
          'Your run on Sun 9 Mar was your first in Pegasus 41, a new or little-used pair (12.3 km on it).',
        metrics: { gearId: 'g8812', shoeName: 'Pegasus 41', shoeDistanceKm: 12.3 },
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
