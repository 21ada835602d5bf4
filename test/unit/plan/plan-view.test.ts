import { describe, expect, it } from 'vitest';
import { initialPlan, nextPlan } from '../../../src/domain/plan.js';
import { sessionWeekdays, toPlanJson, weekSchedule } from '../../../src/domain/plan-view.js';
import { day, T0, trigger } from './fixtures.js';

describe('toPlanJson', () => {
  const v1 = initialPlan(T0);
  const v2 = nextPlan({
    current: v1,
    detections: [trigger('det-1', day(3))],
    checkIns: [],
    asOf: day(3),
  }).plan;

  it('has exactly the GET /api/plan shape', () => {
    const json = toPlanJson(v2, [v1, v2]);
    expect(Object.keys(json).sort()).toEqual(
      [
        'exercises',
        'history',
        'nextReview',
        'phase',
        'reasons',
        'seePhysio',
        'sessionsPerWeek',
        'since',
      ].sort(),
    );
    expect(json).toEqual({
      phase: 'daily',
      sessionsPerWeek: 7,
      exercises: [
        { id: 'leg-raise', name: 'Leg raise', reps: 5, perLeg: true, holdSeconds: 5, variant: 'standard' },
        {
          id: 'glute-bridge',
          name: 'Glute bridge',
          reps: 3,
          perLeg: false,
          holdSeconds: 10,
          variant: 'two-leg',
        },
      ],
      reasons: ['det-1'],
      since: day(3).toISOString(),
      nextReview: day(17).toISOString(),
      seePhysio: false,
      history: [
        { phase: 'daily', sessionsPerWeek: 7, since: day(3).toISOString(), reasons: ['det-1'] },
        { phase: 'daily', sessionsPerWeek: 7, since: T0.toISOString(), reasons: [] },
      ],
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('orders history newest first, by version when times tie', () => {
    const json = toPlanJson(v2, [{ ...v1, version: 1 }, { ...v1, version: 2, reasons: ['x'] }, v2]);
    expect(json.history.map((h) => h.reasons)).toEqual([['det-1'], ['x'], []]);
  });

  it('writes a null nextReview as null', () => {
    expect(toPlanJson({ ...v2, nextReview: null }, []).nextReview).toBeNull();
  });
});

describe('weekSchedule', () => {
  const sessions = (n: 7 | 4 | 3) =>
    weekSchedule({ sessionsPerWeek: n }, '2025-03-03')
      .filter((d) => d.session)
      .map((d) => d.weekday);

  it.each([
    [7, ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']],
    [4, ['mon', 'tue', 'thu', 'sat']],
    [3, ['mon', 'wed', 'fri']],
  ] as const)('%i a week → %j', (n, days) => {
    expect(sessions(n)).toEqual(days);
    expect(sessionWeekdays(n)).toEqual(days);
  });

  it('lists the seven dates from the start, across a month end', () => {
    const week = weekSchedule({ sessionsPerWeek: 3 }, '2025-02-24');
    expect(week.map((d) => d.localDate)).toEqual([
      '2025-02-24',
      '2025-02-25',
      '2025-02-26',
      '2025-02-27',
      '2025-02-28',
      '2025-03-01',
      '2025-03-02',
    ]);
    expect(week[0]).toEqual({ localDate: '2025-02-24', weekday: 'mon', session: true });
  });

  it('maps days by weekday when the start is not a Monday', () => {
    const week = weekSchedule({ sessionsPerWeek: 3 }, '2025-03-05');
    expect(week.filter((d) => d.session).map((d) => d.localDate)).toEqual([
      '2025-03-05',
      '2025-03-07',
      '2025-03-10',
    ]);
  });

  it.each(['2025-3-3', '2025-02-30', 'monday'])('rejects %s', (bad) => {
    expect(() => weekSchedule({ sessionsPerWeek: 7 }, bad)).toThrow(RangeError);
  });
});
