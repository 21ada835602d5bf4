import type { SimClock } from './clock.js';

/** Requests allowed per application: 15-minute window and UTC day, overall and "read". */
export type RateLimits = {
  overallFifteenMin: number;
  overallDaily: number;
  readFifteenMin: number;
  readDaily: number;
};

/** Strava's default tier (docs/strava-api.md#rate-limits). */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  overallFifteenMin: 200,
  overallDaily: 2000,
  readFifteenMin: 100,
  readDaily: 1000,
};

export type RateUsage = {
  overallFifteenMin: number;
  overallDaily: number;
  readFifteenMin: number;
  readDaily: number;
};

type Counters = RateUsage & { windowKey: number; dayKey: number };

export type RateDecision = { limited: boolean; headers: Record<string, string> };

export type RateLimiter = {
  limits(): RateLimits;
  setLimits(patch: Partial<RateLimits>): RateLimits;
  /** Counts one request; rejected requests count too, so blind retries burn the day. */
  record(clientId: string, isRead: boolean): RateDecision;
  /** Current headers without counting (for answers not attributable to a request). */
  headers(clientId: string): Record<string, string>;
  usage(clientId: string): RateUsage;
  resetUsage(): void;
  reset(): void;
};

const FIFTEEN_MIN_MS = 15 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Windows are aligned to the epoch, hence to UTC: the 15-minute one turns over at :00, :15,
 * :30 and :45 and the daily one at midnight UTC, like Strava's.
 */
export function createRateLimiter(clock: SimClock, initial: RateLimits): RateLimiter {
  let limits = { ...initial };
  const counters = new Map<string, Counters>();

  function current(clientId: string): Counters {
    const nowMs = clock.nowMs();
    const windowKey = Math.floor(nowMs / FIFTEEN_MIN_MS);
    const dayKey = Math.floor(nowMs / DAY_MS);
    let c = counters.get(clientId);
    if (!c) {
      c = { windowKey, dayKey, overallFifteenMin: 0, overallDaily: 0, readFifteenMin: 0, readDaily: 0 };
      counters.set(clientId, c);
    }
    if (c.windowKey !== windowKey) {
      c.windowKey = windowKey;
      c.overallFifteenMin = 0;
      c.readFifteenMin = 0;
    }
    if (c.dayKey !== dayKey) {
      c.dayKey = dayKey;
      c.overallDaily = 0;
      c.readDaily = 0;
    }
    return c;
  }

  function headersOf(c: RateUsage): Record<string, string> {
    return {
      'X-RateLimit-Limit': `${limits.overallFifteenMin},${limits.overallDaily}`,
      'X-RateLimit-Usage': `${c.overallFifteenMin},${c.overallDaily}`,
      'X-ReadRateLimit-Limit': `${limits.readFifteenMin},${limits.readDaily}`,
      'X-ReadRateLimit-Usage': `${c.readFifteenMin},${c.readDaily}`,
    };
  }

  return {
    limits: () => ({ ...limits }),
    setLimits(patch) {
      limits = { ...limits, ...patch };
      return { ...limits };
    },
    record(clientId, isRead) {
      const c = current(clientId);
      c.overallFifteenMin++;
      c.overallDaily++;
      if (isRead) {
        c.readFifteenMin++;
        c.readDaily++;
      }
      const overOverall =
        c.overallFifteenMin > limits.overallFifteenMin || c.overallDaily > limits.overallDaily;
      const overRead = isRead && (c.readFifteenMin > limits.readFifteenMin || c.readDaily > limits.readDaily);
      return { limited: overOverall || overRead, headers: headersOf(c) };
    },
    headers: (clientId) => headersOf(current(clientId)),
    usage(clientId) {
      const { overallFifteenMin, overallDaily, readFifteenMin, readDaily } = current(clientId);
      return { overallFifteenMin, overallDaily, readFifteenMin, readDaily };
    },
    resetUsage: () => counters.clear(),
    reset() {
      counters.clear();
      limits = { ...initial };
    },
  };
}
