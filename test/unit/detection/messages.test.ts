import { describe, expect, it } from 'vitest';
import {
  formatDayLabel,
  formatDistance,
  unitsFromMeasurementPreference,
} from '../../../src/domain/messages.js';
import { analyze, buildShoe, runOn } from './factories.js';

describe('units and formatting', () => {
  it.each([
    { preference: 'meters', units: 'metric' },
    { preference: 'feet', units: 'imperial' },
    { preference: null, units: 'metric' },
    { preference: 'furlongs', units: 'metric' },
  ])('measurement_preference $preference → $units', ({ preference, units }) => {
    expect(unitsFromMeasurementPreference(preference)).toBe(units);
  });

  it.each([
    { meters: 14_249, units: 'metric' as const, text: '14.2 km' },
    { meters: 14_250, units: 'metric' as const, text: '14.3 km' },
    { meters: 1_609.344, units: 'imperial' as const, text: '1.0 mi' },
    { meters: 42_195, units: 'imperial' as const, text: '26.2 mi' },
  ])('$meters m in $units → $text', ({ meters, units, text }) => {
    expect(formatDistance(meters, units)).toBe(text);
  });

  it.each([
    { date: '2026-11-03', label: 'Tue 3 Nov' },
    { date: '2024-02-29', label: 'Thu 29 Feb' },
    { date: '2024-01-01', label: 'Mon 1 Jan' },
  ])('$date → $label', ({ date, label }) => {
    expect(formatDayLabel(date)).toBe(label);
  });
});

describe('messages state the evidence without ranking risk', () => {
  const shoes = [buildShoe({ id: 'gNew', name: 'Fresh Pair', distanceM: 20_000 })];
  const runs = [
    runOn(0, 20),
    runOn(7, 20),
    runOn(14, 20, { workoutType: 3 }),
    runOn(25, 5, { workoutType: 1 }),
    runOn(26, 5, { workoutType: 3 }),
    runOn(27, 45, { gearId: 'gNew', workoutType: 3 }),
  ];

  it.each(['metric', 'imperial'] as const)('in %s units', (units) => {
    const detections = analyze(runs, { shoes, units });
    expect(detections.map((d) => d.kind).sort()).toEqual([
      'gear_change',
      'intensity_ramp',
      'session_spike',
      'weekly_ramp',
    ]);
    for (const d of detections) {
      expect(d.message).not.toMatch(/dangerous|more likely to get injured|higher risk|NaN|undefined|null/i);
      expect(d.message.length).toBeLessThan(600);
    }
    const intensity = detections.find((d) => d.kind === 'intensity_ramp');
    expect(intensity?.message).toContain('3 hard runs');
    expect(intensity?.message).toContain('against 0.3 a week over the 3 weeks before');
  });
});
