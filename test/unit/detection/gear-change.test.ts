import { describe, expect, it } from 'vitest';
import type { Run } from '../../../src/domain/types.js';
import { analyze, at, buildShoe, DAY_MS, runOn } from './factories.js';

const kind = 'gear_change' as const;

const shoes = [
  buildShoe({ id: 'gA', name: 'Daily Trainer', distanceM: 500_000 }),
  buildShoe({ id: 'gB', name: 'Tempo Shoe', distanceM: 300_000 }),
  buildShoe({ id: 'gC', name: 'New Racer', distanceM: 42_000 }),
];

/** Alternating shoes A and B every other day over [from, to]. */
function rotation(from: number, to: number): Run[] {
  const runs: Run[] = [];
  for (let d = from; d <= to; d += 2) runs.push(runOn(d, 8, { gearId: (d / 2) % 2 === 0 ? 'gA' : 'gB' }));
  return runs;
}

describe('gear_change: rotation vs a new pair vs a pair back from the closet', () => {
  it('routine rotation between two pairs in use is not a change', () => {
    // The window starts at day 0, so runs from day 60 on are judged: both pairs are in use.
    expect(analyze(rotation(0, 120), { kind, shoes, windowStart: at(0) })).toEqual([]);
  });

  it('the first run of a second pair is a change once a baseline exists', () => {
    const found = analyze(rotation(0, 20), { kind, shoes });
    expect(found.map((d) => [d.localDate, d.metrics.gearId])).toEqual([[expect.any(String), 'gB']]);
  });

  it('a new pair during rotation is a change, high under 100 km', () => {
    const newPair = runOn(71, 8, { gearId: 'gC' });
    const found = analyze([...rotation(0, 120), newPair], { kind, shoes, windowStart: at(0) });
    expect(found.map((d) => [d.key, d.severity, d.metrics])).toEqual([
      [`gear_change:${newPair.id}:gC`, 'high', { gearId: 'gC', shoeName: 'New Racer', shoeDistanceKm: 42 }],
    ]);
  });

  it.each([
    { label: 'unused for 65 days', lastUsedDay: 10, fires: true },
    { label: 'unused for 59 days', lastUsedDay: 16, fires: false },
  ])('a pair back from the closet, $label → fires: $fires', ({ lastUsedDay, fires }) => {
    const runs: Run[] = [];
    for (let d = 0; d <= lastUsedDay; d += 2) runs.push(runOn(d, 8, { gearId: 'gA' }));
    for (let d = lastUsedDay + 1; d <= 80; d += 2) runs.push(runOn(d, 8, { gearId: 'gB' }));
    const back = runOn(75, 8, { gearId: 'gA' });
    const found = analyze([...runs, back], { kind, shoes, windowStart: at(0) });
    expect(found.map((d) => [d.activityId, d.severity])).toEqual(fires ? [[back.id, 'moderate']] : []);
  });

  it.each([
    { label: 'exactly 60 × 24 h before counts as worn', offsetMs: 60 * DAY_MS, fires: false },
    { label: '1 ms beyond 60 × 24 h does not', offsetMs: 60 * DAY_MS + 1, fires: true },
  ])('a previous run in the pair $label', ({ offsetMs, fires }) => {
    const t = at(100).getTime();
    const runs = [
      runOn(0, 8, { gearId: 'gA', startDate: new Date(t - offsetMs) }),
      runOn(0, 8, { gearId: 'gB', startDate: new Date(t - 10 * DAY_MS) }),
      runOn(0, 8, { gearId: 'gA', startDate: new Date(t) }),
    ];
    expect(analyze(runs, { kind, shoes }).map((d) => d.metrics.gearId)).toEqual(
      fires ? ['gB', 'gA'] : ['gB'],
    );
  });
});

describe('gear_change baseline: at least one earlier run of any kind in 60 days', () => {
  it('the first run ever gives no change', () => {
    expect(analyze([runOn(0, 8, { gearId: 'gA' })], { kind, shoes })).toEqual([]);
  });

  it('a first run after more than 60 days without running gives no change', () => {
    expect(analyze([runOn(0, 8, { gearId: 'gA' }), runOn(61, 8, { gearId: 'gC' })], { kind, shoes })).toEqual(
      [],
    );
  });

  it('an earlier run without a recorded shoe is a baseline', () => {
    expect(analyze([runOn(0, 8), runOn(1, 8, { gearId: 'gA' })], { kind, shoes }).length).toBe(1);
  });

  it('an earlier ride is not a baseline, and a walk in the shoe does not count as wearing it on a run', () => {
    const ride = runOn(0, 30, { sportType: 'Ride', type: 'Ride', gearId: 'b1' });
    expect(analyze([ride, runOn(1, 8, { gearId: 'gA' })], { kind, shoes })).toEqual([]);
    const walk = runOn(1, 5, { sportType: 'Walk', type: 'Walk', gearId: 'gA' });
    const runs = [runOn(0, 8, { gearId: 'gB' }), walk, runOn(2, 8, { gearId: 'gA' })];
    expect(analyze(runs, { kind, shoes }).map((d) => d.metrics.gearId)).toEqual(['gA']);
  });

  it('ignores runs without a shoe and counts TrailRun and VirtualRun', () => {
    const runs = [
      runOn(0, 8, { gearId: 'gA' }),
      runOn(1, 8),
      runOn(2, 8, { gearId: 'gB', sportType: 'TrailRun', type: 'Run' }),
      runOn(3, 8, { gearId: 'gC', sportType: 'VirtualRun', type: 'VirtualRun' }),
    ];
    expect(analyze(runs, { kind, shoes }).map((d) => d.metrics.gearId)).toEqual(['gB', 'gC']);
  });
});

describe('gear_change severity and shoe data', () => {
  it.each([
    { distanceM: 99_999, severity: 'high' },
    { distanceM: 100_000, severity: 'moderate' },
    { distanceM: 900_000, severity: 'moderate' },
  ])('a shoe at $distanceM m → $severity', ({ distanceM, severity }) => {
    const found = analyze([runOn(0, 8), runOn(1, 8, { gearId: 'gX' })], {
      kind,
      shoes: [buildShoe({ id: 'gX', distanceM })],
    });
    expect(found.map((d) => d.severity)).toEqual([severity]);
  });

  it('winds the shoe total back to asOf (runs after asOf do not count)', () => {
    const runs = [runOn(0, 8), runOn(1, 8, { gearId: 'gX' }), runOn(5, 30, { gearId: 'gX' })];
    const found = analyze(runs, { kind, shoes: [buildShoe({ id: 'gX', distanceM: 120_000 })], asOf: at(3) });
    expect(found.map((d) => [d.severity, d.metrics.shoeDistanceKm])).toEqual([['high', 90]]);
  });

  it('reports a shoe missing from the shoe list as moderate, without a distance', () => {
    const [found] = analyze([runOn(0, 8), runOn(1, 8, { gearId: 'gZ' })], { kind, shoes: [] });
    expect(found?.severity).toBe('moderate');
    expect(found?.metrics).toEqual({ gearId: 'gZ', shoeName: null, shoeDistanceKm: null });
    // A raw gear id says nothing to a runner: the message never shows it.
    expect(found?.message).toContain('a pair of shoes not in your Strava shoe list');
    expect(found?.message).not.toContain('gZ');
  });

  it('explains the change plainly', () => {
    const [found] = analyze([runOn(0, 8), runOn(1, 8, { gearId: 'gC' })], { kind, shoes });
    expect(found?.message).toMatch(
      /^Your run on Tue 2 Jan was your first in New Racer, a new or little-used pair \(42\.0 km on it\)\./,
    );
    const [back] = analyze([runOn(0, 8), runOn(1, 8, { gearId: 'gA' })], { kind, shoes, units: 'imperial' });
    expect(back?.message).toMatch(
      /^Your run on Tue 2 Jan was your first in Daily Trainer, not worn on a run in the previous 60 days \(310\.7 mi on it\)\./,
    );
  });
});

describe('gear_change lookback truncation by windowStart (60 days)', () => {
  const runs = [
    runOn(0, 8, { gearId: 'gA' }),
    runOn(70, 8, { gearId: 'gA' }),
    runOn(75, 8, { gearId: 'gB' }),
  ];
  const t = runs[2]?.startDate.getTime() ?? 0;
  it.each([
    { label: 'exactly 60 × 24 h before', windowStart: new Date(t - 60 * DAY_MS), fires: true },
    { label: '1 ms later', windowStart: new Date(t - 60 * DAY_MS + 1), fires: false },
  ])('window starting $label → evaluated: $fires', ({ windowStart, fires }) => {
    expect(analyze(runs, { kind, shoes, windowStart }).length).toBe(fires ? 1 : 0);
  });
});
