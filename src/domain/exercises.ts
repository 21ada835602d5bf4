import type { ExerciseDose, ExerciseId } from './types.js';

/**
 * The two exercises from the source text (`docs/plan.md#exercises`, docs/plan.md) and
 * their weekly dosing. Ids are part of the public contract (`GET /api/plan`).
 */

export type ExerciseGuide = {
  id: ExerciseId;
  name: string;
  /** Why the exercise helps, in one plain sentence. */
  purpose: string;
  /** Step-by-step instructions; the dose (reps, hold) is shown separately. */
  steps: readonly string[];
};

export const LEG_RAISE_ID = 'leg-raise' satisfies ExerciseId;
export const GLUTE_BRIDGE_ID = 'glute-bridge' satisfies ExerciseId;

/** Leg raise: 5 reps per leg, hold 5 s rising by 1 s a week to 10 s (source text). */
export const LEG_RAISE_DOSING = { reps: 5, startHoldS: 5, stepHoldS: 1, maxHoldS: 10 } as const;

/**
 * Glute bridge: 3 reps, hold 10 s "a little longer each time" up to 20 s. We read "a little" as
 * +2 s a week, so 20 s is reached in week 5 — the same week the leg raise reaches 10 s. From week 6
 * the bridge is done one leg at a time; the hold restarts at 10 s and climbs again by 2 s a week,
 * because lifting on one leg roughly doubles the load on the working side.
 */
export const GLUTE_BRIDGE_DOSING = {
  reps: 3,
  startHoldS: 10,
  stepHoldS: 2,
  maxHoldS: 20,
  singleLegFromWeek: 6,
} as const;

const LEG_RAISE_GUIDE: ExerciseGuide = {
  id: LEG_RAISE_ID,
  name: 'Leg raise',
  purpose: 'Strengthens the quadriceps (front of the thigh); stronger quads take pressure off the knee.',
  steps: [
    'Lie on your back on the floor.',
    'Keeping one leg as straight as you can, lift it until the heel is about 15 cm (6 in) off the floor.',
    'Hold for the time shown, then lower it back down.',
    'Switch legs and repeat. Do the reps shown on each leg.',
  ],
};

const GLUTE_BRIDGE_GUIDE: ExerciseGuide = {
  id: GLUTE_BRIDGE_ID,
  name: 'Glute bridge',
  purpose: 'Strengthens the glutes (buttocks); weak glutes let the legs drag, which strains the knees.',
  steps: [
    'Lie on your back with your knees bent and both feet flat on the floor.',
    'Lift your belly button toward the ceiling so your body forms a bridge from shoulders to knees.',
    'Hold for the time shown, then lower yourself back down.',
    'Do the reps shown.',
  ],
};

const SINGLE_LEG_BRIDGE_GUIDE: ExerciseGuide = {
  id: GLUTE_BRIDGE_ID,
  name: 'Glute bridge',
  purpose: GLUTE_BRIDGE_GUIDE.purpose,
  steps: [
    'Lie on your back with your knees bent and both feet flat on the floor.',
    'Lift one foot and straighten that leg, keeping your thighs level.',
    'Push through the heel on the floor and lift your belly button toward the ceiling so your body forms a bridge.',
    'Hold for the time shown, lower yourself back down, then switch legs. Do the reps shown on each leg.',
  ],
};

/** How to do an exercise; the single-leg bridge has its own steps. */
export function describeExercise(id: ExerciseId, variant: string): ExerciseGuide {
  if (id === LEG_RAISE_ID) return LEG_RAISE_GUIDE;
  return variant === 'single-leg' ? SINGLE_LEG_BRIDGE_GUIDE : GLUTE_BRIDGE_GUIDE;
}

function progressedHold(start: number, step: number, max: number, weeks: number): number {
  return Math.min(max, start + step * weeks);
}

/** Completed whole weeks; negative, fractional or non-finite input is clamped to a whole week ≥ 0. */
function wholeWeeks(weeksOfPractice: number): number {
  return Number.isFinite(weeksOfPractice) ? Math.max(0, Math.floor(weeksOfPractice)) : 0;
}

/** The doses for a runner who has been practising for `weeksOfPractice` whole weeks (0 = first week). */
export function doseFor(weeksOfPractice: number): ExerciseDose[] {
  const weeks = wholeWeeks(weeksOfPractice);
  const leg = LEG_RAISE_DOSING;
  const bridge = GLUTE_BRIDGE_DOSING;
  const singleLeg = weeks >= bridge.singleLegFromWeek;
  const bridgeWeeks = singleLeg ? weeks - bridge.singleLegFromWeek : weeks;
  return [
    {
      id: LEG_RAISE_ID,
      name: LEG_RAISE_GUIDE.name,
      reps: leg.reps,
      perLeg: true,
      holdSeconds: progressedHold(leg.startHoldS, leg.stepHoldS, leg.maxHoldS, weeks),
      variant: 'standard',
    },
    {
      id: GLUTE_BRIDGE_ID,
      name: GLUTE_BRIDGE_GUIDE.name,
      reps: bridge.reps,
      perLeg: singleLeg,
      holdSeconds: progressedHold(bridge.startHoldS, bridge.stepHoldS, bridge.maxHoldS, bridgeWeeks),
      variant: singleLeg ? 'single-leg' : 'two-leg',
    },
  ];
}
