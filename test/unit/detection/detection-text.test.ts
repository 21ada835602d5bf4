import { describe, expect, it } from 'vitest';
import {
  type DetectionRecord,
  describeDetection,
  intensityFiredOn,
  largestOfEachKind,
} from '../../../src/domain/detection-text.js';
import { analyze, buildShoe, runOn } from './factories.js';

const weekly = (increasePct: number, localDate: string): DetectionRecord => ({
  kind: 'weekly_ramp',
  severity: increasePct > 60 ? 'high' : 'moderate',
  localDate,
  metrics: { last7dKm: 40, baselineWeeklyKm: 30, increasePct },
});

describe('describeDetection', () => {
  it('says what detect stored, with the same numbers as its facts', () => {
    const runs = [runOn(0, 10), runOn(10, 10), runOn(20, 10), runOn(29, 21)];
    const [spike] = analyze(runs, { kind: 'session_spike' });
    const text = describeDetection(spike!, 'metric');
    expect(text.message).toBe(spike!.message);
    expect(text.heading).toBe('Longer run than usual');
    expect(text.facts).toEqual([
      { label: 'This run', value: '21.0 km' },
      { label: 'Longest run in the 30 days before', value: '10.0 km' },
      { label: 'Longer by', value: '110%' },
    ]);
    expect(text.summary).toBe('a run 110% longer than your longest in 30 days');
  });

  it('rebuilds the text in the runner’s current units: miles never show km', () => {
    const [gear] = analyze([runOn(0, 8), runOn(1, 8, { gearId: 'gN' })], {
      kind: 'gear_change',
      shoes: [buildShoe({ id: 'gN', name: 'Racer', distanceM: 42_000 })],
    });
    const miles = describeDetection(gear!, 'imperial');
    expect(miles.message).toContain('(26.1 mi on it)');
    expect(JSON.stringify(miles)).not.toMatch(/\bkm\b/);
    expect(miles.summary).toBe('new shoes (Racer)');
  });

  it('says "just over" when rounding would hide that the threshold was passed', () => {
    expect(describeDetection(weekly(30, '2026-03-03'), 'metric').summary).toBe(
      'weekly distance up just over 30%',
    );
  });

  it('shows only the part of an intensity ramp that fired, hard runs counted as in the text', () => {
    const record: DetectionRecord = {
      kind: 'intensity_ramp',
      severity: 'moderate',
      localDate: '2026-03-03',
      metrics: {
        last7dLoad: 200,
        baselineWeeklyLoad: 190,
        increasePct: 5,
        hardRuns: 3,
        baselineHardRunsPerWeek: 0.7,
        firedOn: 'hard_runs',
      },
    };
    const text = describeDetection(record, 'metric');
    expect(text.message).toContain('You did 3 hard runs');
    expect(text.message).toContain('against 0.7 a week');
    expect(text.facts.map((f) => f.label)).toEqual([
      'Hard runs, last 7 days',
      'Hard runs a week, 3 weeks before',
    ]);
    expect(text.summary).toBe('3 hard runs in 7 days');
  });

  it.each([
    { metrics: { increasePct: 45, hardRuns: 1, baselineHardRunsPerWeek: 0.3 }, firedOn: 'load' },
    { metrics: { increasePct: 10, hardRuns: 3, baselineHardRunsPerWeek: 1 }, firedOn: 'hard_runs' },
    { metrics: { increasePct: 45, hardRuns: 2, baselineHardRunsPerWeek: 0 }, firedOn: 'load_and_hard_runs' },
    { metrics: { increasePct: null, hardRuns: 2, baselineHardRunsPerWeek: 0 }, firedOn: 'hard_runs' },
  ])('works out what fired for rows stored before firedOn: $firedOn', ({ metrics, firedOn }) => {
    expect(intensityFiredOn(metrics)).toBe(firedOn);
  });
});

describe('largestOfEachKind', () => {
  it('keeps one per kind, the largest, and puts the largest reason first', () => {
    const shoes: DetectionRecord = {
      kind: 'gear_change',
      severity: 'high',
      localDate: '2026-03-04',
      metrics: { gearId: 'g1', shoeName: 'Racer', shoeDistanceKm: 4 },
    };
    const picked = largestOfEachKind([
      weekly(35, '2026-03-01'),
      weekly(72, '2026-03-03'),
      weekly(48, '2026-03-02'),
      shoes,
    ]);
    expect(picked.map((d) => [d.kind, d.metrics.increasePct ?? null])).toEqual([
      ['weekly_ramp', 72],
      ['gear_change', null],
    ]);
  });

  it('orders equal severities by the strength of the evidence behind the kind', () => {
    const spike: DetectionRecord = {
      kind: 'session_spike',
      severity: 'moderate',
      localDate: '2026-03-01',
      metrics: { increasePct: 40 },
    };
    expect(largestOfEachKind([weekly(50, '2026-03-03'), spike]).map((d) => d.kind)).toEqual([
      'session_spike',
      'weekly_ramp',
    ]);
  });
});
