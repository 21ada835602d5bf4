/**
 * The simulator's notion of "now": a base clock (injectable) plus an offset that tests and the
 * control API move, so token expiry and rate-limit windows can be exercised without waiting.
 * Timers (retry delays, latency) still use real time: only the wall clock is faked.
 */
export type SimClock = {
  now(): Date;
  nowMs(): number;
  offsetMs(): number;
  set(at: Date): void;
  advance(ms: number): void;
  reset(): void;
};

export function createSimClock(base: () => Date = () => new Date()): SimClock {
  let offset = 0;
  const nowMs = () => base().getTime() + offset;
  return {
    now: () => new Date(nowMs()),
    nowMs,
    offsetMs: () => offset,
    set(at) {
      offset = at.getTime() - base().getTime();
    },
    advance(ms) {
      offset += ms;
    },
    reset() {
      offset = 0;
    },
  };
}

export function toEpochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Strava writes instants without milliseconds: `2018-02-16T14:52:54Z`. */
export function formatStravaInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
