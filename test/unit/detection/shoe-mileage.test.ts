import { describe, expect, it } from 'vitest';
import { analyze, at, buildShoe, runOn } from './factories.js';

const kind = 'shoe_mileage' as const;
const shoe = (distanceKm: number, retired = false) => [
  buildShoe({ id: 'gA', name: 'Daily Trainer', distanceM: distanceKm * 1000, retired }),
];

describe('shoe_mileage: the run that takes a shoe past 800 km', () => {
  it('finds the crossing run by winding the all-time total back', () => {
    const runs = [
      runOn(0, 10, { gearId: 'gA' }),
      runOn(5, 10, { gearId: 'gA' }),
      runOn(6, 10, { gearId: 'gB' }),
    ];
    // 805 km now: 795 before the day-5 run, 805 after it.
    const found = analyze(runs, { kind, shoes: shoe(805) });
    expect(found.map((d) => [d.key, d.severity, d.activityId, d.metrics])).toEqual([
      [
        'shoe_mileage:gA:800',
        'info',
        runs[1]?.id,
        { gearId: 'gA', shoeName: 'Daily Trainer', shoeDistanceKm: 805 },
      ],
    ]);
  });

  it('sits on an earlier run when later runs added more', () => {
    const runs = [runOn(0, 10, { gearId: 'gA' }), runOn(5, 10, { gearId: 'gA' })];
    // 812 km now: 802 after day 0, 792 before it.
    expect(
      analyze(runs, { kind, shoes: shoe(812) }).map((d) => [d.activityId, d.metrics.shoeDistanceKm]),
    ).toEqual([[runs[0]?.id, 802]]);
  });

  it.each([
    { label: 'exactly 800 km is not past it', totalKm: 800, fires: false },
    { label: '800.001 km is', totalKm: 800.001, fires: true },
    { label: 'a shoe that passed 800 km before the known runs', totalKm: 900, fires: false },
    { label: 'a shoe under 800 km', totalKm: 500, fires: false },
  ])('$label', ({ totalKm, fires }) => {
    const runs = [runOn(0, 10, { gearId: 'gA' }), runOn(5, 10, { gearId: 'gA' })];
    expect(analyze(runs, { kind, shoes: shoe(totalKm) }).length).toBe(fires ? 1 : 0);
  });

  it('skips retired shoes', () => {
    expect(analyze([runOn(5, 10, { gearId: 'gA' })], { kind, shoes: shoe(805, true) })).toEqual([]);
  });

  it('puts a crossing on a walk onto the next run in the shoe', () => {
    const walk = runOn(3, 5, { gearId: 'gA', sportType: 'Walk', type: 'Walk' });
    const run = runOn(5, 1, { gearId: 'gA' });
    expect(analyze([walk, run], { kind, shoes: shoe(802) }).map((d) => d.activityId)).toEqual([run.id]);
    expect(analyze([walk], { kind, shoes: shoe(802) })).toEqual([]);
  });

  it('ignores activities after asOf and removes them from the total', () => {
    const runs = [runOn(0, 10, { gearId: 'gA' }), runOn(5, 20, { gearId: 'gA' })];
    expect(analyze(runs, { kind, shoes: shoe(810), asOf: at(3) })).toEqual([]);
    expect(analyze(runs, { kind, shoes: shoe(810) }).map((d) => d.activityId)).toEqual([runs[1]?.id]);
  });

  it('needs no lookback and says the plan is unchanged, in the runner units', () => {
    const run = runOn(5, 10, { gearId: 'gA' });
    const [metric] = analyze([run], { kind, shoes: shoe(805), windowStart: run.startDate });
    expect(metric?.message).toMatch(
      /^Your Daily Trainer passed 800 km with your run on Sat 6 Jan \(805\.0 km\)\./,
    );
    expect(metric?.message).toContain('information only');
    const [imperial] = analyze([run], { kind, shoes: shoe(805), units: 'imperial' });
    expect(imperial?.message).toMatch(/passed 497\.1 mi with your run on Sat 6 Jan \(500\.2 mi\)/);
    // A runner in miles never sees km.
    expect(imperial?.message).not.toMatch(/\bkm\b/);
  });
});
