import { describe, expect, it } from 'vitest';
import { ewmaAcwr, loadContext, monotony, weeklyDistances } from '../../../src/domain/load-context.js';
import { buildRun } from './factories.js';

const run = (iso: string, km: number, overrides = {}) =>
  buildRun({ startDate: new Date(iso), distanceM: km * 1000, movingTimeS: km * 300, ...overrides });

describe('ewmaAcwr (λ = 2/(N+1), seeded with the first day)', () => {
  it('matches a hand computation', () => {
    // acute (λ = 0.25): 10 → 7.5 → 5.625 → 0.25·20 + 0.75·5.625 = 9.21875
    // chronic (λ = 2/29): 10·(27/29)³ + 20·(2/29) = 9.449751937…
    const result = ewmaAcwr([10, 0, 0, 20]);
    expect(result.acute).toBeCloseTo(9.21875, 12);
    expect(result.chronic).toBeCloseTo(10 * (27 / 29) ** 3 + 40 / 29, 12);
    expect(result.chronic).toBeCloseTo(9.449751937348804, 12);
    expect(result.ratio).toBeCloseTo(0.9755547088558164, 12);
  });

  it('starts both averages at the first day, and has no ratio without chronic load', () => {
    expect(ewmaAcwr([5])).toEqual({ acute: 5, chronic: 5, ratio: 1 });
    expect(ewmaAcwr([0, 0, 0])).toEqual({ acute: 0, chronic: 0, ratio: null });
    expect(ewmaAcwr([])).toEqual({ acute: 0, chronic: 0, ratio: null });
  });
});

describe('monotony (mean / population sd, rest days 0)', () => {
  it.each([
    // mean 240/7, sd 60·√(4/7·3/7) = 120√3/7 → 2/√3
    { loads: [60, 0, 60, 0, 60, 0, 60], expected: 2 / Math.sqrt(3) },
    { loads: [50, 0, 0, 30, 0, 0, 50], expected: 0.8322397195638239 },
    { loads: [10, 10, 10, 10, 10, 10, 10], expected: 10 },
    { loads: [0, 0, 0, 0, 0, 0, 0], expected: 0 },
    { loads: [100, 101, 100, 101, 100, 101, 100], expected: 10 },
  ])('$loads → $expected', ({ loads, expected }) => {
    expect(monotony(loads)).toBeCloseTo(expected, 12);
  });
});

describe('weeklyDistances', () => {
  it('gives 12 weeks ending on asOf’s local day, oldest first, runs on their own local day', () => {
    const asOf = new Date('2024-03-31T20:00:00Z'); // Sunday
    const runs = [
      run('2024-03-31T08:00:00Z', 10),
      run('2024-03-25T08:00:00Z', 5),
      run('2024-03-24T08:00:00Z', 7),
      // 06:00Z on 03-25 is 23:00 on 03-24 in Los Angeles: the week before.
      run('2024-03-25T06:00:00Z', 3, { timeZone: 'America/Los_Angeles' }),
      run('2024-03-31T21:00:00Z', 50), // after asOf
      run('2024-03-30T08:00:00Z', 40, { sportType: 'Ride', type: 'Ride' }),
      run('2024-01-08T08:00:00Z', 4), // first day of the oldest week
      run('2024-01-07T08:00:00Z', 99), // before the 12 weeks
    ];
    const weeks = weeklyDistances(runs, asOf, 'UTC');
    expect(weeks).toHaveLength(12);
    expect(weeks[0]).toEqual({ weekStart: '2024-01-08', weekEnd: '2024-01-14', distanceM: 4000 });
    expect(weeks[10]).toEqual({ weekStart: '2024-03-18', weekEnd: '2024-03-24', distanceM: 10_000 });
    expect(weeks[11]).toEqual({ weekStart: '2024-03-25', weekEnd: '2024-03-31', distanceM: 15_000 });
    expect(weeks.reduce((s, w) => s + w.distanceM, 0)).toBe(29_000);
  });

  it('ends the weeks on the runner’s local day of asOf', () => {
    // 2024-04-01T02:00Z is still Sunday 31 March in New York.
    const weeks = weeklyDistances([], new Date('2024-04-01T02:00:00Z'), 'America/New_York', 2);
    expect(weeks.map((w) => [w.weekStart, w.weekEnd])).toEqual([
      ['2024-03-18', '2024-03-24'],
      ['2024-03-25', '2024-03-31'],
    ]);
  });
});

describe('loadContext', () => {
  const asOf = new Date('2024-03-31T20:00:00Z');
  // All at 5:00/km without heart rate: intensity factor 1, so load = minutes.
  const runs = [
    run('2024-03-18T08:00:00Z', 10),
    run('2024-03-25T08:00:00Z', 10),
    run('2024-03-28T08:00:00Z', 6),
    run('2024-03-31T08:00:00Z', 10),
  ];

  it('matches hand-computed figures', () => {
    const context = loadContext(runs, asOf, 'UTC');
    expect(context.dailyLoads.map((d) => d.load)).toEqual([50, 0, 0, 0, 0, 0, 0, 50, 0, 0, 30, 0, 0, 50]);
    expect(context.dailyLoads[0]?.date).toBe('2024-03-18');
    expect(context.acwr.acute).toBeCloseTo(19.07665714621544, 10);
    expect(context.acwr.chronic).toBeCloseTo(27.11203837478163, 10);
    expect(context.acwr.ratio).toBeCloseTo(0.7036231242561115, 10);
    expect(context.monotony).toBeCloseTo(0.8322397195638239, 10);
    expect(context.strain).toBeCloseTo(130 * 0.8322397195638239, 8);
    expect(context.weeks.at(-1)?.distanceM).toBe(26_000);
    expect(context.historyDays).toBe(13);
    expect(context.baselineBuilding).toBe(true);
  });

  it('says the baseline is built from 14 days of history on', () => {
    const longer = [run('2024-03-17T08:00:00Z', 5), ...runs];
    expect(loadContext(longer, asOf, 'UTC')).toMatchObject({ historyDays: 14, baselineBuilding: false });
    expect(loadContext([], asOf, 'UTC')).toMatchObject({
      historyDays: 0,
      baselineBuilding: true,
      monotony: 0,
    });
  });

  it('caps the daily series at 84 days', () => {
    const old = [run('2023-10-01T08:00:00Z', 10), ...runs];
    const context = loadContext(old, asOf, 'UTC');
    expect(context.dailyLoads).toHaveLength(84);
    expect(context.dailyLoads[0]?.date).toBe('2024-01-08');
    expect(context.baselineBuilding).toBe(false);
  });
});
