import { describe, expect, it } from 'vitest';
import { suppressWeeklyRepeats } from '../../../src/domain/detect.js';
import type { Finding } from '../../../src/domain/detection/finding.js';
import { dayNumber } from '../../../src/domain/runs.js';
import { DEFAULT_THRESHOLDS, overrideThresholds } from '../../../src/domain/thresholds.js';
import type { Severity } from '../../../src/domain/types.js';
import { analyze, at, buildRun, buildShoe, dateOf, runOn } from './factories.js';

describe('DEFAULT_THRESHOLDS (docs/detection.md defaults)', () => {
  it('holds every default', () => {
    expect(DEFAULT_THRESHOLDS).toMatchObject({
      sessionSpike: { lookbackDays: 30, lowAbove: 0.1, moderateAbove: 0.3, highAbove: 1 },
      weeklyRamp: {
        acuteDays: 7,
        baselineDays: 21,
        lookbackDays: 28,
        minHistoryDays: 21,
        minBaselineRuns: 3,
        moderateAbove: 0.3,
        highAbove: 0.6,
        minIncreaseKm: 5,
      },
      intensityRamp: {
        lookbackDays: 28,
        moderateAbove: 0.3,
        hardHeartRateFraction: 0.85,
        hardPaceFasterFraction: 0.1,
        hardWorkoutTypes: [1, 3],
        hardRunExcess: 2,
        referenceDays: 90,
      },
      gearChange: { lookbackDays: 60, newShoeUnderKm: 100 },
      shoeMileage: { passesKm: 800 },
      weeklySuppressionDays: 6,
      context: { baselineBuildingDays: 14, ewmaAcuteDays: 7, ewmaChronicDays: 28 },
    });
  });

  it('is deeply frozen; overrides make a new frozen object', () => {
    expect(Object.isFrozen(DEFAULT_THRESHOLDS.sessionSpike)).toBe(true);
    expect(() => {
      (DEFAULT_THRESHOLDS.sessionSpike as { lowAbove: number }).lowAbove = 0.5;
    }).toThrow(TypeError);
    const custom = overrideThresholds({ sessionSpike: { lowAbove: 0.2 } });
    expect(custom.sessionSpike).toEqual({
      lookbackDays: 30,
      lowAbove: 0.2,
      moderateAbove: 0.3,
      highAbove: 1,
    });
    expect(Object.isFrozen(custom.sessionSpike)).toBe(true);
    expect(DEFAULT_THRESHOLDS.sessionSpike.lowAbove).toBe(0.1);
  });

  it('is what detect uses unless told otherwise', () => {
    const runs = [runOn(0, 10), runOn(5, 11.5)];
    expect(analyze(runs, { kind: 'session_spike' })).toHaveLength(1);
    const strict = overrideThresholds({ sessionSpike: { lowAbove: 0.2 } });
    expect(analyze(runs, { kind: 'session_spike', thresholds: strict })).toEqual([]);
  });
});

describe('detect', () => {
  const shoes = [buildShoe({ id: 'gNew', name: 'Fresh Pair', distanceM: 20_000 })];
  const runs = [runOn(0, 20), runOn(7, 20), runOn(14, 20), runOn(27, 45, { gearId: 'gNew' })];

  it('returns every kind for one run, ordered by start, then kind, then key', () => {
    const found = analyze(runs, { shoes });
    expect(found.map((d) => d.kind)).toEqual([
      'session_spike',
      'weekly_ramp',
      'intensity_ramp',
      'gear_change',
    ]);
    expect(new Set(found.map((d) => d.activityId))).toEqual(new Set([runs[3]?.id]));
    expect(
      found.every((d) => d.localDate === dateOf(27) && d.occurredAt.getTime() === at(27).getTime()),
    ).toBe(true);
  });

  it('yields the same detections on the same data (stable keys)', () => {
    expect(analyze(runs, { shoes })).toEqual(analyze([...runs].reverse(), { shoes }));
    expect(analyze(runs, { shoes }).map((d) => d.key)).toEqual([
      `session_spike:${runs[3]?.id}`,
      `weekly_ramp:${dateOf(27)}`,
      `intensity_ramp:${dateOf(27)}`,
      `gear_change:${runs[3]?.id}:gNew`,
    ]);
  });

  it('keeps one copy of an activity given twice', () => {
    const duplicate = { ...runs[3], name: 'copy' } as (typeof runs)[number];
    expect(analyze([...runs, duplicate], { shoes })).toEqual(analyze(runs, { shoes }));
  });

  it('returns nothing for no runs, only rides, or everything after asOf', () => {
    expect(analyze([], { shoes })).toEqual([]);
    const rides = runs.map((r) => ({ ...r, sportType: 'Ride', type: 'Ride' }));
    expect(analyze(rides, { shoes })).toEqual([]);
    expect(analyze(runs, { shoes, asOf: at(-1) })).toEqual([]);
  });

  it('accepts Strava ids beyond 2^53', () => {
    const big = [runOn(0, 10), buildRun({ id: '18446744073709551615', startDate: at(3), distanceM: 15_000 })];
    expect(analyze(big, { kind: 'session_spike' }).map((d) => d.key)).toEqual([
      'session_spike:18446744073709551615',
    ]);
  });

  it('writes every message in the runner’s units and metrics in km', () => {
    for (const d of analyze(runs, { shoes, units: 'imperial' })) {
      if (d.kind !== 'intensity_ramp') expect(d.message).toMatch(/ mi\b/);
      expect(d.message).not.toMatch(/\d km\b/);
    }
    expect(analyze(runs, { shoes, units: 'imperial', kind: 'weekly_ramp' })[0]?.metrics).toEqual({
      last7dKm: 45,
      baselineWeeklyKm: 20,
      increasePct: 125,
    });
  });
});

describe('suppressWeeklyRepeats', () => {
  const finding = (kind: 'weekly_ramp' | 'intensity_ramp', day: number, severity: Severity): Finding =>
    ({
      kind,
      key: `${kind}:${dateOf(day)}`,
      severity,
      trigger: {
        run: runOn(day, 10),
        startMs: at(day).getTime(),
        day: dayNumber(dateOf(day)),
        localDate: dateOf(day),
      },
      facts: {},
    }) as unknown as Finding;
  const keep = (fs: Finding[], previous: Parameters<typeof suppressWeeklyRepeats>[1] = []) =>
    suppressWeeklyRepeats(fs, previous, 6).map((f) => `${f.kind}:${f.trigger.localDate}:${f.severity}`);

  it('walks days in order, keeping one per 7 days at equal severity', () => {
    const days = [0, 1, 2, 6, 7, 8, 13, 14];
    expect(keep(days.map((d) => finding('weekly_ramp', d, 'moderate')).reverse())).toEqual([
      `weekly_ramp:${dateOf(0)}:moderate`,
      `weekly_ramp:${dateOf(7)}:moderate`,
      `weekly_ramp:${dateOf(14)}:moderate`,
    ]);
  });

  it('keeps a rise in severity and drops a lower one after a high', () => {
    const fs = [
      finding('weekly_ramp', 0, 'moderate'),
      finding('weekly_ramp', 3, 'high'),
      finding('weekly_ramp', 5, 'moderate'),
      finding('weekly_ramp', 9, 'high'),
      finding('weekly_ramp', 10, 'high'),
    ];
    expect(keep(fs)).toEqual([
      `weekly_ramp:${dateOf(0)}:moderate`,
      `weekly_ramp:${dateOf(3)}:high`,
      `weekly_ramp:${dateOf(10)}:high`,
    ]);
  });

  it('treats each kind separately', () => {
    const fs = [finding('weekly_ramp', 0, 'high'), finding('intensity_ramp', 1, 'moderate')];
    expect(keep(fs)).toHaveLength(2);
  });

  it('uses stored detections as earlier anchors, but never drops a key already stored', () => {
    const stored = [
      {
        key: `weekly_ramp:${dateOf(0)}`,
        kind: 'weekly_ramp' as const,
        severity: 'high' as const,
        localDate: dateOf(0),
      },
    ];
    expect(keep([finding('weekly_ramp', 4, 'moderate')], stored)).toEqual([]);
    expect(keep([finding('weekly_ramp', 0, 'moderate')], stored)).toEqual([
      `weekly_ramp:${dateOf(0)}:moderate`,
    ]);
    const storedLater = [
      { ...stored[0], localDate: dateOf(9), key: `weekly_ramp:${dateOf(9)}` },
    ] as typeof stored;
    expect(keep([finding('weekly_ramp', 4, 'moderate')], storedLater)).toHaveLength(1);
  });
});
