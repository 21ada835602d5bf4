import { describe, expect, it } from 'vitest';
import {
  buildIntensityReference,
  intensityFactor,
  isHardRun,
  runLoad,
} from '../../../src/domain/detection/intensity.js';
import { DEFAULT_THRESHOLDS } from '../../../src/domain/thresholds.js';
import type { Run } from '../../../src/domain/types.js';
import { analyze, at, buildRun, dateOf } from './factories.js';

const kind = 'intensity_ramp' as const;

/** A run of `minutes` at `paceSPerKm` on test day `day`. */
function paceRun(day: number, minutes: number, paceSPerKm = 300, overrides: Partial<Run> = {}): Run {
  return buildRun({
    startDate: at(day),
    movingTimeS: minutes * 60,
    distanceM: ((minutes * 60) / paceSPerKm) * 1000,
    ...overrides,
  });
}

/** Three 60-minute runs at 5:00/km: a baseline of 60 load a week for day 27. */
const baseline = (overrides: Partial<Run> = {}) => [0, 7, 14].map((d) => paceRun(d, 60, 300, overrides));

describe('intensity load model', () => {
  const reference = buildIntensityReference([
    paceRun(0, 60, 300, { averageHeartrate: 140, maxHeartrate: 180 }),
    paceRun(1, 60, 330, { averageHeartrate: 150, maxHeartrate: 190 }),
    paceRun(2, 60, 270),
  ]);

  it('takes medians of pace and heart rate and the highest max heart rate', () => {
    expect(reference.medianPaceSPerM).toBeCloseTo(0.3, 10);
    expect(reference.medianHeartrate).toBe(145);
    expect(reference.maxHeartrate).toBe(190);
  });

  it('weights minutes by the squared intensity factor: heart rate when present, else pace', () => {
    expect(intensityFactor(paceRun(3, 60, 200, { averageHeartrate: 145 }), reference)).toBe(1);
    expect(intensityFactor(paceRun(3, 60, 240), reference)).toBeCloseTo(1.25, 10);
    expect(runLoad(paceRun(3, 60, 240), reference)).toBeCloseTo(93.75, 10);
    expect(runLoad(paceRun(3, 40, 300, { averageHeartrate: 174 }), reference)).toBeCloseTo(40 * 1.2 ** 2, 10);
  });

  it('treats a manual run without moving time as zero load', () => {
    expect(runLoad(buildRun({ movingTimeS: 0, manual: true }), reference)).toBe(0);
  });

  it.each([
    { label: 'workout_type 1 (race)', run: paceRun(3, 30, 300, { workoutType: 1 }), hard: true },
    { label: 'workout_type 3 (workout)', run: paceRun(3, 30, 300, { workoutType: 3 }), hard: true },
    { label: 'workout_type 2 (long run)', run: paceRun(3, 30, 300, { workoutType: 2 }), hard: false },
    { label: 'HR exactly 85% of max', run: paceRun(3, 30, 300, { averageHeartrate: 161.5 }), hard: true },
    { label: 'HR just under 85% of max', run: paceRun(3, 30, 300, { averageHeartrate: 161.4 }), hard: false },
    { label: 'pace exactly 10% faster (270 s/km)', run: paceRun(3, 30, 270), hard: true },
    { label: 'pace 9% faster', run: paceRun(3, 30, 273), hard: false },
    { label: 'manual run without time', run: buildRun({ movingTimeS: 0, manual: true }), hard: false },
  ])('hard run: $label → $hard', ({ run, hard }) => {
    expect(isHardRun(run, reference, DEFAULT_THRESHOLDS)).toBe(hard);
  });
});

describe('intensity_ramp on load (> 30% over the 3-week weekly mean)', () => {
  it.each([
    { label: 'exactly 30% (78 min)', minutes: 78, severity: null },
    { label: '30.2% (78.1 min)', minutes: 78.1, severity: 'moderate' },
    { label: 'exactly 60% (96 min)', minutes: 96, severity: 'moderate' },
    { label: '60.2% (96.1 min)', minutes: 96.1, severity: 'high' },
  ])('runs without heart rate, same pace: $label → $severity', ({ minutes, severity }) => {
    const found = analyze([...baseline(), paceRun(27, minutes)], { kind });
    expect(found.map((d) => d.severity)).toEqual(severity ? [severity] : []);
    if (severity) expect(found[0]?.key).toBe(`intensity_ramp:${dateOf(27)}`);
  });

  it('counts a faster run of the same length as more load (pace relative to the median)', () => {
    const [found] = analyze([...baseline(), paceRun(27, 60, 240)], { kind });
    // Median pace stays 5:00/km; factor 1.25 → 60 × 1.5625 = 93.75 against 60 a week.
    expect(found?.metrics).toEqual({
      last7dLoad: 94,
      baselineWeeklyLoad: 60,
      increasePct: 56,
      hardRuns: 1,
      baselineHardRunsPerWeek: 0,
      firedOn: 'load',
    });
    expect(found?.severity).toBe('moderate');
  });

  it('uses heart rate when present, even when the pace is slow', () => {
    const hr = { averageHeartrate: 140, maxHeartrate: 190 };
    const slowButHard = paceRun(27, 60, 360, { averageHeartrate: 175, maxHeartrate: 190 });
    const [found] = analyze([...baseline(hr), slowButHard], { kind });
    expect(found?.metrics.last7dLoad).toBe(94); // 60 × (175/140)² = 93.75
    expect(found?.metrics.hardRuns).toBe(1); // 175 ≥ 0.85 × 190
  });

  it('mixes runs with and without heart rate, each against its own yardstick', () => {
    const runs = [
      ...baseline({ averageHeartrate: 140 }),
      paceRun(26, 40, 300),
      paceRun(27, 40, 300, { averageHeartrate: 140 }),
    ];
    const [found] = analyze(runs, { kind });
    expect(found?.metrics.last7dLoad).toBe(80);
    expect(found?.metrics.increasePct).toBe(33);
  });
});

describe('intensity_ramp on hard runs (≥ 2 over the baseline weekly mean)', () => {
  it.each([
    { label: 'two workouts, none before', baselineHard: 0, acuteHard: 2, fires: true },
    { label: 'one workout, none before', baselineHard: 0, acuteHard: 1, fires: false },
    { label: 'three workouts, one a week before', baselineHard: 3, acuteHard: 3, fires: true },
    { label: 'two workouts, one a week before', baselineHard: 3, acuteHard: 2, fires: false },
  ])('$label → fires: $fires', ({ baselineHard, acuteHard, fires }) => {
    const base = [0, 7, 14].map((d, i) => paceRun(d, 60, 300, { workoutType: i < baselineHard ? 3 : 0 }));
    // Short workouts keep the load below the 30% threshold: only the count can fire.
    const acute = Array.from({ length: acuteHard }, (_, i) => paceRun(25 + i, 20, 300, { workoutType: 3 }));
    const found = analyze([...base, ...acute, paceRun(27, 5)], { kind });
    expect(found.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(found[0]?.severity).toBe('moderate');
      expect(found[0]?.message).toContain('hard runs');
    }
  });

  it('counts runs at 85% of the max heart rate as hard', () => {
    const base = baseline({ averageHeartrate: 140, maxHeartrate: 185 });
    const hard = (day: number, hr: number) =>
      paceRun(day, 20, 300, { averageHeartrate: hr, maxHeartrate: 185 });
    expect(analyze([...base, hard(26, 158), hard(27, 158)], { kind }).length).toBe(1);
    expect(analyze([...base, hard(26, 157), hard(27, 157)], { kind })).toEqual([]);
  });

  it('counts runs 10% faster than the median pace as hard', () => {
    const fast = (day: number, pace: number) => paceRun(day, 10, pace);
    expect(analyze([...baseline(), fast(26, 270), fast(27, 270)], { kind }).length).toBe(1);
    expect(analyze([...baseline(), fast(26, 275), fast(27, 275)], { kind })).toEqual([]);
  });
});

describe('intensity_ramp preconditions (as for weekly_ramp)', () => {
  it('needs 3 baseline runs and 21 days of history', () => {
    expect(analyze([paceRun(0, 60), paceRun(7, 60), paceRun(27, 200)], { kind })).toEqual([]);
    expect(analyze([paceRun(7, 60), paceRun(10, 60), paceRun(14, 60), paceRun(27, 200)], { kind })).toEqual(
      [],
    );
    expect(
      analyze([paceRun(6, 60), paceRun(10, 60), paceRun(14, 60), paceRun(27, 200)], { kind }).length,
    ).toBe(1);
  });

  it('is not evaluated when the window does not cover 28 days before the run', () => {
    const trigger = paceRun(27, 200);
    const windowStart = new Date(trigger.startDate.getTime() - 27 * 86_400_000);
    expect(analyze([...baseline(), trigger], { kind, windowStart })).toEqual([]);
  });
});
