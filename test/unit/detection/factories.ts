import { type DetectInput, detect } from '../../../src/domain/detect.js';
import { DAY_MS } from '../../../src/domain/duration.js';
import type { Detection, DetectionKind, Run, Shoe } from '../../../src/domain/types.js';

/** Day 0 of the test calendar: Monday 1 January 2024, 00:00 UTC. */
export const DAY0 = Date.UTC(2024, 0, 1);
export { DAY_MS };

/** An instant `day` days after DAY0 at `hour` UTC. */
export function at(day: number, hour = 7): Date {
  return new Date(DAY0 + day * DAY_MS + hour * 3_600_000);
}

/** The YYYY-MM-DD date `day` days after DAY0. */
export function dateOf(day: number): string {
  return new Date(DAY0 + day * DAY_MS).toISOString().slice(0, 10);
}

let nextId = 1000;

/** A 10 km, 50 min road run at 07:00 UTC on day 0, in UTC, without heart rate or shoe. */
export function buildRun(overrides: Partial<Run> = {}): Run {
  nextId += 1;
  return {
    id: String(nextId),
    name: 'Morning Run',
    sportType: 'Run',
    type: 'Run',
    startDate: at(0),
    timeZone: 'UTC',
    distanceM: 10_000,
    movingTimeS: 3_000,
    averageHeartrate: null,
    maxHeartrate: null,
    workoutType: null,
    gearId: null,
    manual: false,
    ...overrides,
  };
}

/** A run on test day `day` (07:00 UTC) of `km` kilometres, at a steady 5 min/km. */
export function runOn(day: number, km: number, overrides: Partial<Run> = {}): Run {
  return buildRun({ startDate: at(day), distanceM: km * 1000, movingTimeS: km * 300, ...overrides });
}

export function buildShoe(overrides: Partial<Shoe> = {}): Shoe {
  return { id: 'g1', name: 'Trainer One', distanceM: 300_000, retired: false, ...overrides };
}

/** A window that covers every lookback for runs from day 0 on. */
export const WIDE_WINDOW = new Date(DAY0 - 400 * DAY_MS);

export type AnalyzeOptions = Partial<Omit<DetectInput, 'runs'>> & { kind?: DetectionKind };

/** `detect` with test defaults: asOf far after the runs, a window covering every lookback, metric units. */
export function analyze(runs: readonly Run[], options: AnalyzeOptions = {}): Detection[] {
  const { kind, ...rest } = options;
  const detections = detect({
    runs,
    shoes: [],
    asOf: at(1000),
    windowStart: WIDE_WINDOW,
    units: 'metric',
    ...rest,
  });
  return kind ? detections.filter((d) => d.kind === kind) : detections;
}
