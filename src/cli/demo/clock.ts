import { DAY_MS } from '../../domain/duration.js';
import type { Clock } from '../../shared/clock.js';

/**
 * The demo's clock: real time shifted by an offset that only ever moves
 * forward. The tour starts three weeks in the past (the runner connects then),
 * lets weeks pass in jumps, and ends at the real now, so the server left
 * running afterwards is an ordinary one. RampGuard and the sandbox simulator
 * share it (the simulator is built with `now: () => deps.clock.now()`).
 */
export type DemoClock = Clock & {
  /** Moves "now" to `daysAgo` days before the real now (never backwards). */
  jumpTo(daysAgo: number): void;
  offsetDays(): number;
};

export function createDemoClock(startDaysAgo: number): DemoClock {
  let offsetMs = -startDaysAgo * DAY_MS;
  return {
    now: () => new Date(Date.now() + offsetMs),
    jumpTo(daysAgo) {
      const next = -daysAgo * DAY_MS;
      if (next < offsetMs) throw new Error('the demo clock only moves forward');
      offsetMs = next;
    },
    offsetDays: () => -offsetMs / DAY_MS,
  };
}
