import { describe, expect, it } from 'vitest';
import { overrideThresholds } from '../../../src/domain/thresholds.js';
import { analyze, at, buildRun, DAY_MS, dateOf, runOn } from './factories.js';

const kind = 'weekly_ramp' as const;

/** Three 20 km runs in the baseline (a 20 km/week mean for day 27), history from day 0. */
const baseline20 = () => [runOn(0, 20), runOn(7, 20), runOn(14, 20)];

describe('weekly_ramp thresholds: > 30% and ≥ 5 km over the 21-day weekly mean', () => {
  it.each([
    { label: 'exactly 30%', acuteM: 26_000, severity: null },
    { label: '30.01%', acuteM: 26_002, severity: 'moderate' },
    { label: 'exactly 60%', acuteM: 32_000, severity: 'moderate' },
    { label: '60.01%', acuteM: 32_002, severity: 'high' },
    { label: '150%', acuteM: 50_000, severity: 'high' },
    { label: 'no increase', acuteM: 20_000, severity: null },
  ])('$label → $severity', ({ acuteM, severity }) => {
    const found = analyze(
      [...baseline20(), buildRun({ startDate: runOn(27, 1).startDate, distanceM: acuteM })],
      { kind },
    );
    expect(found.map((d) => d.severity)).toEqual(severity ? [severity] : []);
    if (severity) expect(found[0]?.key).toBe(`weekly_ramp:${dateOf(27)}`);
  });

  it.each([
    { label: '+49.9% but only 4.99 km more', acuteKm: 14.99, fires: false },
    { label: '+50% and exactly 5 km more', acuteKm: 15, fires: true },
  ])('5 km floor: $label', ({ acuteKm, fires }) => {
    const runs = [runOn(0, 10), runOn(7, 10), runOn(14, 10), runOn(27, acuteKm)];
    expect(analyze(runs, { kind }).length).toBe(fires ? 1 : 0);
  });

  it('sums every run of the acute days, including the day itself and several runs a day', () => {
    const runs = [
      ...baseline20(),
      runOn(21, 10),
      runOn(24, 8),
      buildRun({ startDate: runOn(27, 1).startDate, distanceM: 9_000 }),
    ];
    const [found] = analyze(runs, { kind });
    expect(found?.metrics).toEqual({ last7dKm: 27, baselineWeeklyKm: 20, increasePct: 35 });
  });
});

describe('weekly_ramp preconditions', () => {
  it.each([
    { label: 'two baseline runs', runs: () => [runOn(0, 30), runOn(7, 30), runOn(27, 40)], fires: false },
    {
      label: 'three baseline runs',
      runs: () => [runOn(0, 20), runOn(7, 20), runOn(8, 20), runOn(27, 40)],
      fires: true,
    },
    {
      label: 'earliest run 20 days before',
      runs: () => [runOn(7, 20), runOn(10, 20), runOn(14, 20), runOn(27, 40)],
      fires: false,
    },
    {
      label: 'earliest run exactly 21 days before',
      runs: () => [runOn(6, 20), runOn(10, 20), runOn(14, 20), runOn(27, 40)],
      fires: true,
    },
    // Baseline runs must fall in the 21 days before the acute week, not in it.
    {
      label: 'runs only in the acute week',
      runs: () => [runOn(21, 5), runOn(22, 5), runOn(23, 5), runOn(27, 40)],
      fires: false,
    },
  ])('$label → fires: $fires', ({ runs, fires }) => {
    expect(analyze(runs(), { kind }).length).toBe(fires ? 1 : 0);
  });

  it('ignores rides for distance and history', () => {
    const ride = (day: number) => runOn(day, 100, { sportType: 'Ride', type: 'Ride' });
    const runs = [...baseline20(), ride(22), ride(25), runOn(27, 20)];
    expect(analyze(runs, { kind })).toEqual([]);
  });

  it('counts VirtualRun, TrailRun and manual runs as distance', () => {
    const runs = [
      ...baseline20(),
      runOn(25, 10, { sportType: 'VirtualRun', type: 'VirtualRun' }),
      runOn(26, 10, { sportType: 'TrailRun', type: 'Run' }),
      runOn(27, 10, { manual: true }),
    ];
    expect(analyze(runs, { kind }).map((d) => d.metrics.last7dKm)).toEqual([30]);
  });
});

describe('weekly_ramp lookback truncation by windowStart (28 days)', () => {
  const trigger = runOn(27, 40);
  const runs = [...baseline20(), trigger];
  it.each([
    {
      label: 'exactly 28 × 24 h before the run',
      windowStart: new Date(trigger.startDate.getTime() - 28 * DAY_MS),
      fires: true,
    },
    {
      label: '1 ms later',
      windowStart: new Date(trigger.startDate.getTime() - 28 * DAY_MS + 1),
      fires: false,
    },
    { label: 'at the first baseline run', windowStart: runs[0]?.startDate, fires: false },
  ])('window starting $label → evaluated: $fires', ({ windowStart, fires }) => {
    expect(analyze(runs, { kind, windowStart }).length).toBe(fires ? 1 : 0);
  });

  it('does not evaluate a day whose first baseline day is cut by a DST change (Berlin, autumn)', () => {
    // D = 2024-11-10 (CET, UTC+1); D − 27 = 2024-10-14 (CEST, UTC+2). The run at 23:30 CET
    // minus 28 × 24 h lands at 00:30 on 2024-10-14: half an hour of the baseline unread.
    const tz = 'Europe/Berlin';
    const late = new Date('2024-11-10T22:30:00Z');
    const berlin = [
      buildRun({ startDate: new Date('2024-10-14T10:00:00Z'), distanceM: 20_000, timeZone: tz }),
      buildRun({ startDate: new Date('2024-10-21T10:00:00Z'), distanceM: 20_000, timeZone: tz }),
      buildRun({ startDate: new Date('2024-10-28T10:00:00Z'), distanceM: 20_000, timeZone: tz }),
      buildRun({ startDate: late, distanceM: 40_000, timeZone: tz }),
    ];
    const exact = new Date(late.getTime() - 28 * DAY_MS);
    expect(analyze(berlin, { kind, windowStart: exact })).toEqual([]);
    expect(analyze(berlin, { kind, windowStart: new Date(exact.getTime() - 3_600_000) }).length).toBe(1);
  });
});

describe('weekly_ramp local days', () => {
  // Baseline of 3 × 20 km at noon Los Angeles time; the trigger is a 20 km run on 2024-01-28.
  const tz = 'America/Los_Angeles';
  const noonLA = (date: string, km: number) =>
    buildRun({ startDate: new Date(`${date}T20:00:00Z`), distanceM: km * 1000, timeZone: tz });
  const base = () => [
    noonLA('2024-01-01', 20),
    noonLA('2024-01-08', 20),
    noonLA('2024-01-15', 20),
    noonLA('2024-01-28', 20),
  ];

  it.each([
    // 2024-01-22T07:30Z is 23:30 on 2024-01-21 in LA: the last baseline day, not the acute week.
    { label: 'in Los Angeles (23:30 on the last baseline day)', timezone: tz, fires: false },
    { label: 'in UTC (07:30 on the first acute day)', timezone: 'UTC', fires: true },
  ])('a 10 km run at 2024-01-22T07:30Z $label → fires: $fires', ({ timezone: timeZone, fires }) => {
    const edge = buildRun({ startDate: new Date('2024-01-22T07:30:00Z'), distanceM: 10_000, timeZone });
    const found = analyze([...base(), edge], { kind });
    expect(found.length).toBe(fires ? 1 : 0);
    if (fires) expect(found[0]?.key).toBe('weekly_ramp:2024-01-28');
  });

  it('keys the detection by the local day of the run, not the UTC day', () => {
    // 2024-01-29T05:00Z is 21:00 on 2024-01-28 in Los Angeles.
    const runs = [
      ...base().slice(0, 3),
      buildRun({ startDate: new Date('2024-01-29T05:00:00Z'), distanceM: 40_000, timeZone: tz }),
    ];
    const [found] = analyze(runs, { kind });
    expect(found?.key).toBe('weekly_ramp:2024-01-28');
    expect(found?.localDate).toBe('2024-01-28');
  });

  it('uses local days across a spring DST change (Berlin, 2024-03-31)', () => {
    const berlinTz = 'Europe/Berlin';
    const b = (iso: string, km: number) =>
      buildRun({ startDate: new Date(iso), distanceM: km * 1000, timeZone: berlinTz });
    // D = 2024-04-02; acute days 03-27..04-02. 00:30 CET on 03-27 is 23:30Z on 03-26.
    const runs = [
      b('2024-03-08T10:00:00Z', 20),
      b('2024-03-15T10:00:00Z', 20),
      b('2024-03-22T10:00:00Z', 20),
      b('2024-03-26T23:30:00Z', 10),
      b('2024-04-02T10:00:00Z', 20),
    ];
    expect(analyze(runs, { kind }).map((d) => [d.key, d.metrics.last7dKm])).toEqual([
      ['weekly_ramp:2024-04-02', 30],
    ]);
    // Read in UTC, the same instant falls on 03-26, the last baseline day.
    expect(
      analyze(
        runs.map((r) => ({ ...r, timeZone: 'UTC' })),
        { kind },
      ),
    ).toEqual([]);
  });
});

describe('weekly_ramp re-report suppression (6 days, same or higher severity)', () => {
  it('stores a moderate ramp once, drops repeats within 6 days and reports a rise to high', () => {
    const runs = [
      ...baseline20(),
      runOn(21, 30), // 30 vs 20: +50% moderate
      runOn(22, 1), // 31: +55% moderate, 1 day later: suppressed
      runOn(24, 1), // 32: +60% moderate: suppressed
      runOn(25, 3), // 35: +75% high: a higher severity is reported
      runOn(26, 1), // 36: +80% high, 1 day after a high: suppressed
    ];
    expect(analyze(runs, { kind }).map((d) => [d.localDate, d.severity])).toEqual([
      [dateOf(21), 'moderate'],
      [dateOf(25), 'high'],
    ]);
  });

  it('reports a steady moderate ramp once a week', () => {
    // Daily runs growing 3% a day: from day 28 on (the first day the window covers
    // a full lookback) every day is a +49% moderate ramp.
    const runs = Array.from({ length: 46 }, (_, d) =>
      buildRun({ startDate: at(d), distanceM: 5_000 * 1.03 ** d }),
    );
    const found = analyze(runs, { kind, windowStart: at(0) });
    expect(found.map((d) => [d.localDate, d.severity])).toEqual([
      [dateOf(28), 'moderate'],
      [dateOf(35), 'moderate'],
      [dateOf(42), 'moderate'],
    ]);
    // Without suppression, every day would be stored.
    const unsuppressed = analyze(runs, {
      kind,
      windowStart: at(0),
      thresholds: overrideThresholds({ weeklySuppressionDays: 0 }),
    });
    expect(unsuppressed.length).toBe(18);
  });

  it('treats previously stored detections as anchors, even when their run left the window', () => {
    const runs = [...baseline20(), runOn(21, 30)];
    const previous = [{ key: 'weekly_ramp:old', kind, severity: 'high' as const, localDate: dateOf(17) }];
    expect(analyze(runs, { kind, previous })).toEqual([]);
    const lower = [{ key: 'weekly_ramp:old', kind, severity: 'low' as const, localDate: dateOf(17) }];
    expect(analyze(runs, { kind, previous: lower }).length).toBe(1);
  });
});
