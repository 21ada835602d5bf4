import { describe, expect, it } from 'vitest';
import { analyze, at, buildRun, DAY_MS, runOn } from './factories.js';

const kind = 'session_spike' as const;

describe('session_spike bands (Frandsen): exactly 10% does not fire, 10.01% does', () => {
  it.each([
    { priorM: 10_000, currentM: 10_500, severity: null },
    { priorM: 10_000, currentM: 11_000, severity: null },
    { priorM: 10_000, currentM: 11_001, severity: 'low' },
    { priorM: 7_300, currentM: 8_030, severity: null }, // 8030 / 7300 − 1 is 0.1000…01 in floating point
    { priorM: 10_000, currentM: 13_000, severity: 'low' },
    { priorM: 10_000, currentM: 13_001, severity: 'moderate' },
    { priorM: 10_000, currentM: 20_000, severity: 'moderate' },
    { priorM: 10_000, currentM: 20_001, severity: 'high' },
    { priorM: 3_000, currentM: 21_000, severity: 'high' },
    { priorM: 10_000, currentM: 9_000, severity: null },
  ])('$priorM m then $currentM m → $severity', ({ priorM, currentM, severity }) => {
    const current = buildRun({ startDate: at(10), distanceM: currentM });
    const found = analyze([buildRun({ startDate: at(3), distanceM: priorM }), current], { kind });
    expect(found.map((d) => d.severity)).toEqual(severity ? [severity] : []);
    if (severity) expect(found[0]?.key).toBe(`session_spike:${current.id}`);
  });
});

describe('session_spike window: the 30 × 24 h before the run', () => {
  const t = at(40, 9).getTime();

  it.each([
    { label: 'exactly 30 × 24 h before counts', offsetMs: 30 * DAY_MS, fires: false },
    { label: '1 ms beyond 30 × 24 h does not count', offsetMs: 30 * DAY_MS + 1, fires: true },
    { label: '29 days 23 h before counts', offsetMs: 30 * DAY_MS - 3_600_000, fires: false },
  ])('a 20 km run $label', ({ offsetMs, fires }) => {
    const runs = [
      buildRun({ startDate: new Date(t - offsetMs), distanceM: 20_000 }),
      buildRun({ startDate: new Date(t - 5 * DAY_MS), distanceM: 10_000 }),
      buildRun({ startDate: new Date(t), distanceM: 15_000 }),
    ];
    expect(analyze(runs, { kind }).length).toBe(fires ? 1 : 0);
  });

  it('counts earlier runs of the same day, but not the run itself or later runs', () => {
    const runs = [
      runOn(0, 10),
      buildRun({ startDate: at(3, 7), distanceM: 12_000 }),
      buildRun({ startDate: at(3, 18), distanceM: 13_000 }), // +8% over the morning run: no spike
    ];
    expect(analyze(runs, { kind }).map((d) => d.activityId)).toEqual([runs[1]?.id]);
  });

  it('judges a run only against runs before it, not a longer run the next day', () => {
    const spike = runOn(5, 12);
    const found = analyze([runOn(0, 10), spike, runOn(6, 20)], { kind });
    expect(found.map((d) => [d.activityId, d.severity])).toEqual([
      [spike.id, 'low'],
      [expect.any(String), 'moderate'],
    ]);
  });

  it('needs at least one run in the window: the first run ever and a run after a 31-day break never fire', () => {
    expect(analyze([runOn(0, 5)], { kind })).toEqual([]);
    expect(analyze([runOn(0, 5), runOn(31, 20)], { kind })).toEqual([]);
  });

  it('breaks ties between runs with the same start by id', () => {
    const a = buildRun({ id: '200', startDate: at(5), distanceM: 10_000 });
    const b = buildRun({ id: '300', startDate: at(5), distanceM: 12_000 });
    expect(analyze([b, a], { kind }).map((d) => d.activityId)).toEqual(['300']);
  });
});

describe('session_spike lookback truncation by windowStart', () => {
  const prior = runOn(20, 10);
  const current = runOn(40, 15);

  it.each([
    {
      label: 'exactly 30 × 24 h before the run',
      windowStart: new Date(current.startDate.getTime() - 30 * DAY_MS),
      fires: true,
    },
    {
      label: '1 ms too late',
      windowStart: new Date(current.startDate.getTime() - 30 * DAY_MS + 1),
      fires: false,
    },
    { label: 'at the prior run', windowStart: prior.startDate, fires: false },
  ])('window starting $label → evaluated: $fires', ({ windowStart, fires }) => {
    expect(analyze([prior, current], { kind, windowStart }).length).toBe(fires ? 1 : 0);
  });
});

describe('session_spike asOf', () => {
  it('ignores runs after asOf and includes a run starting exactly at asOf', () => {
    const current = runOn(10, 15);
    expect(analyze([runOn(5, 10), current], { kind, asOf: current.startDate }).length).toBe(1);
    expect(
      analyze([runOn(5, 10), current], { kind, asOf: new Date(current.startDate.getTime() - 1) }),
    ).toEqual([]);
  });
});

describe('session_spike sport types', () => {
  it.each([
    { label: 'VirtualRun', fields: { sportType: 'VirtualRun', type: 'VirtualRun' }, fires: true },
    { label: 'TrailRun with type Run', fields: { sportType: 'TrailRun', type: 'Run' }, fires: true },
    {
      label: 'unknown sport type with type Run',
      fields: { sportType: 'TrackRun', type: 'Run' },
      fires: true,
    },
    { label: 'unknown sport type', fields: { sportType: 'Snowshoe', type: 'Snowshoe' }, fires: false },
    { label: 'Ride', fields: { sportType: 'Ride', type: 'Ride' }, fires: false },
    { label: 'manual run', fields: { manual: true, movingTimeS: 0 }, fires: true },
    { label: 'run with heart rate', fields: { averageHeartrate: 150, maxHeartrate: 175 }, fires: true },
  ])('a long $label', ({ fields, fires }) => {
    expect(analyze([runOn(0, 10), runOn(5, 15, fields)], { kind }).length).toBe(fires ? 1 : 0);
  });

  it('does not count a longer ride as the longest prior run', () => {
    const runs = [runOn(0, 10), runOn(2, 60, { sportType: 'Ride', type: 'Ride' }), runOn(5, 15)];
    expect(analyze(runs, { kind }).map((d) => d.metrics.longestPrior30dKm)).toEqual([10]);
  });
});

describe('session_spike metrics and message', () => {
  it('states the numbers plainly in km', () => {
    const current = buildRun({ startDate: new Date('2026-11-03T08:00:00Z'), distanceM: 14_200 });
    const prior = buildRun({ startDate: new Date('2026-10-20T08:00:00Z'), distanceM: 10_000 });
    const [found] = analyze([prior, current], { kind, asOf: new Date('2026-11-04T00:00:00Z') });
    expect(found?.metrics).toEqual({ distanceKm: 14.2, longestPrior30dKm: 10, increasePct: 42 });
    expect(found?.localDate).toBe('2026-11-03');
    expect(found?.occurredAt).toEqual(current.startDate);
    expect(found?.message).toMatch(
      /^Your 14\.2 km run on Tue 3 Nov was 42% longer than your longest run in the previous 30 days \(10\.0 km\)\./,
    );
    expect(found?.message).toContain('similar for 10–30% and 30–100%');
  });

  it('uses miles for imperial runners, keeping metrics in km', () => {
    const runs = [runOn(0, 10), runOn(5, 14.2)];
    const [found] = analyze(runs, { kind, units: 'imperial' });
    expect(found?.message).toMatch(/^Your 8\.8 mi run on .* \(6\.2 mi\)\./);
    expect(found?.metrics.distanceKm).toBe(14.2);
  });

  it('never says "10% longer" for a spike that rounds down to 10%', () => {
    const [found] = analyze([runOn(0, 10), buildRun({ startDate: at(5), distanceM: 11_010 })], { kind });
    expect(found?.metrics.increasePct).toBe(10);
    expect(found?.message).toContain('just over 10% longer');
  });
});
