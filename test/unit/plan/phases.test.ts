import { describe, expect, it } from 'vitest';
import { initialPlan, nextPlan, type PlanState, taperSuggestionDue } from '../../../src/domain/plan.js';
import type { CheckIn } from '../../../src/domain/types.js';
import { checkIn, day, T0, trigger } from './fixtures.js';

/** A plan that entered `phase` at `since`; every fixture has already acted on detection `d0`. */
function planIn(phase: 'daily' | 'taper' | 'maintenance', since: Date): PlanState {
  const raise = (at: Date) =>
    nextPlan({ current: initialPlan(T0), detections: [trigger('d0', at)], checkIns: [], asOf: at }).plan;
  if (phase === 'daily') return raise(since);
  const daily = raise(T0);
  if (phase === 'taper')
    return { ...daily, phase: 'taper', sessionsPerWeek: 4, since, version: 3, reasons: [] };
  return { ...daily, phase: 'maintenance', sessionsPerWeek: 3, since, version: 4, reasons: [] };
}

function step(current: PlanState, asOf: Date, checkIns: CheckIn[] = []) {
  return nextPlan({ current, detections: [], checkIns, asOf });
}

describe('start', () => {
  it('starts daily, 7 a week, with no reasons and a review 14 days out', () => {
    const { plan, change } = nextPlan({ current: null, detections: [], checkIns: [], asOf: T0 });
    expect(plan).toEqual(initialPlan(T0));
    expect(plan).toMatchObject({
      phase: 'daily',
      sessionsPerWeek: 7,
      version: 1,
      reasons: [],
      seePhysio: false,
    });
    expect(plan.nextReview).toEqual(day(14));
    expect(change).toMatchObject({ kind: 'started', from: null, to: 'daily', alert: false, version: 1 });
  });

  it('starts daily with the trigger ids when the first call already has triggers', () => {
    const { plan, change } = nextPlan({
      current: null,
      detections: [trigger('a', T0)],
      checkIns: [],
      asOf: T0,
    });
    expect(plan.reasons).toEqual(['a']);
    expect(change).toMatchObject({
      kind: 'started',
      alert: true,
      reasons: ['a'],
      triggerKinds: ['weekly_ramp'],
    });
  });
});

describe('daily → taper', () => {
  const daily = initialPlan(T0);
  it.each([
    {
      name: '13 days with a fresh fine: stays daily',
      asOf: day(13),
      checkIns: [checkIn('fine', day(12))],
      phase: 'daily',
    },
    {
      name: '14 days with a fresh fine: tapers',
      asOf: day(14),
      checkIns: [checkIn('fine', day(12))],
      phase: 'taper',
    },
    {
      name: 'fine check-in on day 14 itself: tapers',
      asOf: day(14),
      checkIns: [checkIn('fine', day(14))],
      phase: 'taper',
    },
    {
      name: '14 days, fine exactly 7 days old: tapers',
      asOf: day(14),
      checkIns: [checkIn('fine', day(7))],
      phase: 'taper',
    },
    {
      name: '14 days, fine over 7 days old: waits',
      asOf: day(14),
      checkIns: [checkIn('fine', day(6.9))],
      phase: 'daily',
    },
    { name: '14 days, no check-in: waits', asOf: day(14), checkIns: [], phase: 'daily' },
    { name: '20.9 days, no check-in: waits', asOf: day(20.9), checkIns: [], phase: 'daily' },
    { name: '21 days, no check-in: tapers', asOf: day(21), checkIns: [], phase: 'taper' },
    {
      name: '21 days, stale fine: tapers',
      asOf: day(21),
      checkIns: [checkIn('fine', day(2))],
      phase: 'taper',
    },
    {
      name: '14 days, last check-in sore: stays',
      asOf: day(14),
      checkIns: [checkIn('fine', day(10)), checkIn('sore', day(13))],
      phase: 'daily',
    },
    {
      name: '30 days, last check-in sore: stays',
      asOf: day(30),
      checkIns: [checkIn('sore', day(13))],
      phase: 'daily',
    },
    {
      name: '30 days, last check-in pain: stays',
      asOf: day(30),
      checkIns: [checkIn('pain', day(20))],
      phase: 'daily',
    },
    {
      name: 'fine after the sore unlocks it',
      asOf: day(30),
      checkIns: [checkIn('sore', day(13)), checkIn('fine', day(29))],
      phase: 'taper',
    },
    {
      name: 'check-ins after asOf are ignored',
      asOf: day(14),
      checkIns: [checkIn('fine', day(15))],
      phase: 'daily',
    },
    {
      name: 'order of check-ins does not matter',
      asOf: day(14),
      checkIns: [checkIn('fine', day(13)), checkIn('pain', day(12))],
      phase: 'taper',
    },
  ])('$name', ({ asOf, checkIns, phase }) => {
    const { plan, change } = step(daily, asOf, checkIns);
    expect(plan.phase).toBe(phase);
    if (phase === 'taper') {
      expect(change).toMatchObject({
        kind: 'tapered',
        from: 'daily',
        to: 'taper',
        alert: false,
        reasons: [],
        version: 2,
      });
      expect(plan).toMatchObject({ sessionsPerWeek: 4, since: asOf, reasons: [] });
    } else {
      expect(change).toBeNull();
      expect(plan.since).toEqual(T0);
    }
  });

  it('counts only check-ins after the last trigger', () => {
    const restarted = planIn('daily', day(10));
    const fineBeforeTrigger = [checkIn('fine', day(9))];
    expect(step(restarted, day(24), fineBeforeTrigger).plan.phase).toBe('daily');
    expect(step(restarted, day(30.9), fineBeforeTrigger).plan.phase).toBe('daily');
    expect(step(restarted, day(31), fineBeforeTrigger).plan.phase).toBe('taper');
    // A sore report before the trigger does not hold the new daily period either.
    expect(step(restarted, day(31), [checkIn('sore', day(9))]).plan.phase).toBe('taper');
  });
});

describe('taper → maintenance', () => {
  const taper = planIn('taper', day(20));
  it.each([
    { name: '13 days of taper: stays', asOf: day(33), checkIns: [], phase: 'taper' },
    { name: '14 days of taper, no pain: maintenance', asOf: day(34), checkIns: [], phase: 'maintenance' },
    {
      name: '14 days of taper with sore reports: maintenance',
      asOf: day(34),
      checkIns: [checkIn('sore', day(30))],
      phase: 'maintenance',
    },
    {
      name: 'pain on taper day 5: waits 14 pain-free days',
      asOf: day(38.9),
      checkIns: [checkIn('pain', day(25))],
      phase: 'taper',
    },
    {
      name: 'pain on taper day 5: maintenance 14 days later',
      asOf: day(39),
      checkIns: [checkIn('pain', day(25))],
      phase: 'maintenance',
    },
    {
      name: 'pain before the taper began does not count',
      asOf: day(34),
      checkIns: [checkIn('pain', day(19))],
      phase: 'maintenance',
    },
  ])('$name', ({ asOf, checkIns, phase }) => {
    const { plan, change } = step(taper, asOf, checkIns);
    expect(plan.phase).toBe(phase);
    if (phase === 'maintenance') {
      expect(change).toMatchObject({
        kind: 'maintenance',
        from: 'taper',
        to: 'maintenance',
        alert: false,
        version: taper.version + 1,
      });
      expect(plan.sessionsPerWeek).toBe(3);
      expect(plan.nextReview).toBeNull();
    } else {
      expect(change).toBeNull();
    }
  });

  it('maintenance stays maintenance without a trigger', () => {
    const { plan, change } = step(planIn('maintenance', day(40)), day(400), [checkIn('pain', day(399))]);
    expect(plan.phase).toBe('maintenance');
    expect(change).toBeNull();
  });
});

describe('triggers', () => {
  it.each(['taper', 'maintenance'] as const)('a trigger in %s returns to daily with an alert', (phase) => {
    const current = planIn(phase, day(20));
    const { plan, change } = nextPlan({
      current,
      detections: [trigger('g1', day(29), 'gear_change'), trigger('s1', day(29.5), 'session_spike')],
      checkIns: [],
      asOf: day(30),
    });
    expect(plan).toMatchObject({
      phase: 'daily',
      sessionsPerWeek: 7,
      since: day(30),
      lastTriggerAt: day(30),
      reasons: ['g1', 's1'],
      version: current.version + 1,
    });
    expect(change).toMatchObject({
      kind: 'raised',
      from: phase,
      to: 'daily',
      alert: true,
      reasons: ['g1', 's1'],
      triggerKinds: ['gear_change', 'session_spike'],
      at: day(30),
    });
    expect(plan.nextReview).toEqual(day(44));
  });

  it('a trigger while daily adds a version and restarts the 14 days', () => {
    const first = nextPlan({
      current: initialPlan(T0),
      detections: [trigger('w1', day(5))],
      checkIns: [],
      asOf: day(5),
    });
    expect(first.change).toMatchObject({
      kind: 'restarted',
      from: 'daily',
      to: 'daily',
      alert: true,
      version: 2,
    });
    const second = nextPlan({
      current: first.plan,
      detections: [trigger('w2', day(10))],
      checkIns: [],
      asOf: day(10),
    });
    expect(second.change).toMatchObject({ kind: 'restarted', reasons: ['w2'], version: 3 });
    expect(second.plan).toMatchObject({ since: day(10), reasons: ['w2'], nextReview: day(24) });
    const fine = [checkIn('fine', day(20))];
    expect(step(second.plan, day(23.9), fine).plan.phase).toBe('daily');
    expect(step(second.plan, day(24), fine).plan.phase).toBe('taper');
  });

  it('the 14 days count from when the plan was raised, not from the run', () => {
    const late = nextPlan({
      current: planIn('taper', day(20)),
      detections: [trigger('x', day(25))],
      checkIns: [],
      asOf: day(28),
    });
    expect(late.plan.since).toEqual(day(28));
    expect(late.plan.nextReview).toEqual(day(42));
  });

  it.each([
    { name: 'shoe_mileage', detections: [trigger('m1', day(30), 'shoe_mileage')] },
    {
      name: 'info severity of any kind',
      detections: [{ ...trigger('i1', day(30)), severity: 'info' as const }],
    },
    { name: 'an already-handled id', detections: [trigger('d0', day(5))] },
  ])('$name never changes the plan', ({ detections }) => {
    for (const current of [
      planIn('daily', day(5)),
      planIn('taper', day(20)),
      planIn('maintenance', day(20)),
    ]) {
      const { plan, change } = nextPlan({ current, detections, checkIns: [], asOf: day(24) });
      expect(change).toBeNull();
      expect(plan.phase).toBe(current.phase);
      expect(plan.version).toBe(current.version);
    }
  });

  it('duplicate ids in one call count once', () => {
    const { change } = nextPlan({
      current: planIn('taper', day(20)),
      detections: [trigger('a', day(29)), trigger('a', day(29))],
      checkIns: [],
      asOf: day(30),
    });
    expect(change?.reasons).toEqual(['a']);
  });

  it('a detection acted on comes back only when its severity rose: then it alerts again', () => {
    const current = planIn('taper', day(20));
    const same = nextPlan({ current, detections: [trigger('d0', day(1))], checkIns: [], asOf: day(24) });
    expect(same.change).toBeNull();

    const risen = { ...trigger('d0', day(1)), severity: 'high' as const };
    const raised = nextPlan({ current, detections: [risen], checkIns: [], asOf: day(24) });
    expect(raised.change).toMatchObject({ to: 'daily', alert: true, reasons: ['d0'] });
    // Fed back, the risen detection is remembered at its new severity and changes nothing more.
    const again = nextPlan({ current: raised.plan, detections: [risen], checkIns: [], asOf: day(25) });
    expect(again.change).toBeNull();
  });

  it('a trigger beats a due time-based transition', () => {
    const { plan, change } = nextPlan({
      current: planIn('taper', day(20)),
      detections: [trigger('a', day(40))],
      checkIns: [],
      asOf: day(40),
    });
    expect(plan.phase).toBe('daily');
    expect(change?.kind).toBe('raised');
  });
});

describe('nextReview', () => {
  it.each([
    {
      name: 'daily before 14 days',
      current: () => initialPlan(T0),
      asOf: day(3),
      checkIns: [],
      review: day(14),
    },
    {
      name: 'daily after 14 days, no check-in',
      current: () => initialPlan(T0),
      asOf: day(15),
      checkIns: [],
      review: day(21),
    },
    {
      name: 'daily after 14 days, stale fine',
      current: () => initialPlan(T0),
      asOf: day(15),
      checkIns: [checkIn('fine', day(1))],
      review: day(21),
    },
    {
      name: 'daily held by sore',
      current: () => initialPlan(T0),
      asOf: day(15),
      checkIns: [checkIn('sore', day(14))],
      review: null,
    },
    { name: 'taper', current: () => planIn('taper', day(20)), asOf: day(21), checkIns: [], review: day(34) },
    {
      name: 'taper after pain',
      current: () => planIn('taper', day(20)),
      asOf: day(26),
      checkIns: [checkIn('pain', day(25))],
      review: day(39),
    },
    {
      name: 'maintenance',
      current: () => planIn('maintenance', day(40)),
      asOf: day(41),
      checkIns: [],
      review: null,
    },
  ])('$name', ({ current, asOf, checkIns, review }) => {
    expect(step(current(), asOf, checkIns).plan.nextReview).toEqual(review);
  });
});

describe('taperSuggestionDue', () => {
  it.each([
    { name: 'daily, 13.9 days', asOf: day(13.9), phase: 'daily' as const, due: false },
    { name: 'daily, 14 days', asOf: day(14), phase: 'daily' as const, due: true },
    { name: 'taper', asOf: day(30), phase: 'taper' as const, due: false },
  ])('$name → $due', ({ asOf, phase, due }) => {
    expect(taperSuggestionDue({ phase, since: T0 }, asOf)).toBe(due);
  });
});
