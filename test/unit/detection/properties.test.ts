import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { severityRank } from '../../../src/domain/detection/finding.js';
import { isRun } from '../../../src/domain/runs.js';
import { overrideThresholds } from '../../../src/domain/thresholds.js';
import type { Detection, Run } from '../../../src/domain/types.js';
import { analyze, at, buildShoe, DAY_MS } from './factories.js';

const shoes = [
  buildShoe({ id: 'gA', distanceM: 805_000 }),
  buildShoe({ id: 'gB', distanceM: 60_000 }),
  buildShoe({ id: 'gC', distanceM: 400_000 }),
];

/**
 * Runs over 100 days in several zones and sports, with and without heart rate and
 * shoes. A random growth factor makes later runs longer, so ramps occur often.
 */
const arbRuns: fc.Arbitrary<Run[]> = fc
  .tuple(
    fc.double({ min: 0, max: 3, noNaN: true }),
    fc.array(
      fc.record({
        minute: fc.integer({ min: 0, max: 100 * 24 * 60 }),
        distanceM: fc.integer({ min: 1_000, max: 30_000 }),
        paceSPerKm: fc.integer({ min: 240, max: 420 }),
        heartrate: fc.option(fc.integer({ min: 110, max: 185 }), { nil: null }),
        workoutType: fc.constantFrom(null, 0, 1, 2, 3),
        gearId: fc.constantFrom(null, 'gA', 'gB', 'gC'),
        sportType: fc.constantFrom('Run', 'Run', 'Run', 'TrailRun', 'VirtualRun', 'Ride', 'Walk'),
        timeZone: fc.constantFrom('UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Tokyo'),
        manual: fc.boolean(),
      }),
      { minLength: 0, maxLength: 60, size: 'max' },
    ),
  )
  .map(([growth, specs]) =>
    specs.map((s, i) => ({
      id: String(5_000 + i),
      name: `activity ${i}`,
      sportType: s.sportType,
      type: s.sportType === 'TrailRun' ? 'Run' : s.sportType,
      startDate: new Date(at(0, 0).getTime() + s.minute * 60_000),
      timeZone: s.timeZone,
      distanceM: Math.round(s.distanceM * (1 + growth * (s.minute / (100 * 24 * 60)) ** 2)),
      movingTimeS: Math.round((s.distanceM / 1000) * s.paceSPerKm),
      averageHeartrate: s.heartrate,
      maxHeartrate: s.heartrate === null ? null : s.heartrate + 15,
      workoutType: s.workoutType,
      gearId: s.gearId,
      manual: s.manual,
    })),
  );

const arbWindowStart = fc.constantFrom(new Date(at(0, 0).getTime() - 400 * DAY_MS), at(0, 0), at(20, 0));
const asOf = at(101);

const kindsAndKeys = (detections: readonly Detection[], kinds: readonly string[]) =>
  detections.filter((d) => kinds.includes(d.kind)).map((d) => `${d.key}=${d.severity}`);

const newestRun = (runs: readonly Run[]) =>
  [...runs]
    .filter(isRun)
    .sort((a, b) => b.startDate.getTime() - a.startDate.getTime() || (a.id < b.id ? 1 : -1))[0];

describe('detection properties', () => {
  it('does not depend on input order', () => {
    fc.assert(
      fc.property(
        arbRuns.chain((runs) =>
          fc.tuple(fc.constant(runs), fc.shuffledSubarray(runs, { minLength: runs.length })),
        ),
        arbWindowStart,
        ([runs, shuffled], windowStart) => {
          expect(analyze(shuffled, { shoes, asOf, windowStart })).toEqual(
            analyze(runs, { shoes, asOf, windowStart }),
          );
        },
      ),
    );
  });

  it('is deterministic and gives unique keys on runs that exist and started by asOf', () => {
    fc.assert(
      fc.property(arbRuns, arbWindowStart, (runs, windowStart) => {
        const first = analyze(runs, { shoes, asOf, windowStart });
        expect(analyze(runs, { shoes, asOf, windowStart })).toEqual(first);
        expect(new Set(first.map((d) => d.key)).size).toBe(first.length);
        const byId = new Map(runs.map((r) => [r.id, r]));
        for (const d of first) {
          const run = byId.get(d.activityId);
          expect(run && isRun(run) && run.startDate.getTime() <= asOf.getTime()).toBe(true);
        }
      }),
    );
  });

  it('scaling run distances by any k > 0 keeps spike and intensity detections (keys and severities)', () => {
    fc.assert(
      fc.property(arbRuns, fc.double({ min: 0.1, max: 10, noNaN: true }), (runs, k) => {
        const scaled = runs.map((r) => ({ ...r, distanceM: r.distanceM * k }));
        const kinds = ['session_spike', 'intensity_ramp'];
        expect(kindsAndKeys(analyze(scaled, { shoes, asOf }), kinds)).toEqual(
          kindsAndKeys(analyze(runs, { shoes, asOf }), kinds),
        );
      }),
    );
  });

  it('scaling keeps weekly_ramp too when the 5 km floor is off (the floor is the only absolute distance)', () => {
    const thresholds = overrideThresholds({ weeklyRamp: { minIncreaseKm: 0 } });
    fc.assert(
      fc.property(arbRuns, fc.double({ min: 0.1, max: 10, noNaN: true }), (runs, k) => {
        const scaled = runs.map((r) => ({ ...r, distanceM: r.distanceM * k }));
        expect(kindsAndKeys(analyze(scaled, { shoes, asOf, thresholds }), ['weekly_ramp'])).toEqual(
          kindsAndKeys(analyze(runs, { shoes, asOf, thresholds }), ['weekly_ramp']),
        );
      }),
    );
  });

  it('with the floor on, scaling by k ≥ 1 only adds weekly_ramp days (before re-report suppression)', () => {
    const thresholds = overrideThresholds({ weeklySuppressionDays: 0 });
    fc.assert(
      fc.property(arbRuns, fc.double({ min: 1, max: 10, noNaN: true }), (runs, k) => {
        const scaled = runs.map((r) => ({ ...r, distanceM: r.distanceM * k }));
        const before = kindsAndKeys(analyze(runs, { shoes, asOf, thresholds }), ['weekly_ramp']);
        const after = kindsAndKeys(analyze(scaled, { shoes, asOf, thresholds }), ['weekly_ramp']);
        for (const entry of before) expect(after).toContain(entry);
      }),
    );
  });

  it('lengthening the newest run never removes a spike, nor lowers its own', () => {
    fc.assert(
      fc.property(
        arbRuns,
        fc.integer({ min: 1, max: 50_000 }),
        arbWindowStart,
        (runs, extraM, windowStart) => {
          const newest = newestRun(runs);
          fc.pre(newest !== undefined);
          const longer = runs.map((r) =>
            r.id === newest?.id ? { ...r, distanceM: r.distanceM + extraM } : r,
          );
          const before = analyze(runs, { shoes, asOf, windowStart, kind: 'session_spike' });
          const after = analyze(longer, { shoes, asOf, windowStart, kind: 'session_spike' });
          for (const spike of before) {
            const kept = after.find((d) => d.key === spike.key);
            expect(kept).toBeDefined();
            expect(severityRank(kept?.severity ?? 'info')).toBeGreaterThanOrEqual(
              severityRank(spike.severity),
            );
          }
        },
      ),
    );
  });

  it('removing the newest run removes its detections and leaves earlier runs’ spikes and gear changes alone', () => {
    fc.assert(
      fc.property(arbRuns, arbWindowStart, (runs, windowStart) => {
        const newest = newestRun(runs);
        fc.pre(newest !== undefined);
        const without = runs.filter((r) => r.id !== newest?.id);
        const before = analyze(runs, { shoes, asOf, windowStart });
        const after = analyze(without, { shoes, asOf, windowStart });
        expect(after.filter((d) => d.activityId === newest?.id)).toEqual([]);
        const perRun = (ds: Detection[]) =>
          ds.filter((d) => d.activityId !== newest?.id && ['session_spike', 'gear_change'].includes(d.kind));
        expect(perRun(after)).toEqual(perRun(before));
      }),
    );
  });
});
