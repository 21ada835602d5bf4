import { describe, expect, it } from 'vitest';
import { doseFor } from '../../../src/domain/exercises.js';
import { initialPlan, nextPlan } from '../../../src/domain/plan.js';
import { day, T0, trigger } from './fixtures.js';

function holds(weeks: number) {
  const [leg, bridge] = doseFor(weeks);
  return {
    leg: leg!.holdSeconds,
    bridge: bridge!.holdSeconds,
    variant: bridge!.variant,
    perLeg: bridge!.perLeg,
  };
}

describe('doseFor', () => {
  it.each([
    { weeks: 0, leg: 5, bridge: 10, variant: 'two-leg', perLeg: false },
    { weeks: 1, leg: 6, bridge: 12, variant: 'two-leg', perLeg: false },
    { weeks: 2, leg: 7, bridge: 14, variant: 'two-leg', perLeg: false },
    { weeks: 4, leg: 9, bridge: 18, variant: 'two-leg', perLeg: false },
    { weeks: 5, leg: 10, bridge: 20, variant: 'two-leg', perLeg: false },
    { weeks: 6, leg: 10, bridge: 10, variant: 'single-leg', perLeg: true },
    { weeks: 7, leg: 10, bridge: 12, variant: 'single-leg', perLeg: true },
    { weeks: 11, leg: 10, bridge: 20, variant: 'single-leg', perLeg: true },
    { weeks: 100, leg: 10, bridge: 20, variant: 'single-leg', perLeg: true },
    { weeks: -3, leg: 5, bridge: 10, variant: 'two-leg', perLeg: false },
    { weeks: 1.9, leg: 6, bridge: 12, variant: 'two-leg', perLeg: false },
    { weeks: Number.NaN, leg: 5, bridge: 10, variant: 'two-leg', perLeg: false },
  ])('week $weeks: leg raise $leg s, bridge $bridge s $variant', ({ weeks, ...expected }) => {
    expect(holds(weeks)).toEqual(expected);
  });

  it('has the fixed ids, reps and the leg raise per leg', () => {
    expect(doseFor(0)).toEqual([
      { id: 'leg-raise', name: 'Leg raise', reps: 5, perLeg: true, holdSeconds: 5, variant: 'standard' },
      {
        id: 'glute-bridge',
        name: 'Glute bridge',
        reps: 3,
        perLeg: false,
        holdSeconds: 10,
        variant: 'two-leg',
      },
    ]);
  });
});

describe('progression in the plan', () => {
  it('counts whole weeks from the plan start', () => {
    const start = initialPlan(T0);
    expect(
      nextPlan({ current: start, detections: [], checkIns: [], asOf: day(6.9) }).plan.exercises[0]!
        .holdSeconds,
    ).toBe(5);
    expect(
      nextPlan({ current: start, detections: [], checkIns: [], asOf: day(7) }).plan.exercises[0]!.holdSeconds,
    ).toBe(6);
  });

  it('a trigger does not drop holds back to the minimum', () => {
    const { plan } = nextPlan({
      current: initialPlan(T0),
      detections: [trigger('a', day(21))],
      checkIns: [],
      asOf: day(21),
    });
    expect(plan.startedAt).toEqual(T0);
    expect(plan.exercises.map((e) => e.holdSeconds)).toEqual([8, 16]);
  });
});
