import type { Redis } from 'ioredis';
import type { Clock } from '../../shared/clock.js';
import { withDeadline } from '../../shared/deadline.js';
import type { Logger } from '../../shared/logger.js';
import { type RateLimitWindow, StravaRateLimitError } from './errors.js';
import {
  parseRateLimitHeaders,
  RATE_FAMILIES,
  RATE_WINDOWS,
  type RateFamily,
  retryAfterLimit,
  windowBounds,
} from './rate-windows.js';

/**
 * Keeps every process of the app (they share one Strava budget) under
 * Strava's limits (docs/reliability-rules.md#strava-rate-limits, docs/strava-api.md#rate-limits), through Redis:
 *
 * - after each response, the latest usage and limit per family and window are
 *   stored under a key that expires when the window ends;
 * - before each call, one atomic script refuses the call when it would eat into
 *   the reserve, or while a 429 block is in force, and otherwise counts the
 *   call at once so concurrent callers cannot all slip under the limit;
 * - after a 429, a block until the window resets stops every process from
 *   sending anything (rejected calls still count toward the daily limit);
 * - background calls stop earlier, leaving a share of each window to
 *   interactive work (a runner who just connected), docs/strava-quota.md#interactive-work-first.
 *
 * Redis is only an optimisation here: when it is unreachable the governor lets
 * calls through (Strava's own 429 still protects us), logging once per outage.
 * A 429 block is also remembered in process memory for that case.
 */
/** Interactive work (the connect backfill, operator commands) may use what background work leaves. */
export type CallPriority = 'interactive' | 'background';

export type RateGovernor = {
  /**
   * Throws StravaRateLimitError instead of letting a call go out. `budget`: also refuses when the
   * call would eat into the reserve (for background calls, also into the share kept for
   * interactive work), and counts it; `block-only`: only a 429 block stops it.
   */
  acquire(mode: 'budget' | 'block-only', priority?: CallPriority): Promise<void>;
  /** Stores the usage headers of any response; for a 429 returns the error to throw (after blocking). */
  record(headers: Record<string, unknown>, status: number): Promise<StravaRateLimitError | undefined>;
};

export type RateGovernorOptions = {
  redis: Redis;
  /** `config.queuePrefix`: isolates environments and test files sharing one Redis. */
  prefix: string;
  clock: Clock;
  logger: Logger;
  /** Fraction of each limit kept in reserve (default 5%). */
  reserveFraction?: number;
  /** At least this many calls kept in reserve of each 15-minute limit (default 2). */
  minReserve15min?: number;
  /** Share of each 15-minute limit background calls leave to interactive work (default 20%). */
  interactiveShare15min?: number;
  /** Share of each daily limit background calls leave to interactive work (default 5%). */
  interactiveShareDaily?: number;
  /** Redis round trips never hold up a Strava call for longer than this. */
  redisTimeoutMs?: number;
};

// KEYS[1]: the 429 block; KEYS[2..5]: usage hashes {limit, usage} of the current windows;
// KEYS[6..9]: the last limit seen per slot (limits outlive windows, so a fresh window is guarded
// from its first call). ARGV[1]: '1' to check and count the budget, '0' to check the block only;
// ARGV[2]: reserve fraction; ARGV[3..6]: minimum reserve per slot; ARGV[7..10]: window ends (ms);
// ARGV[11..14]: share of each slot this call must leave to interactive work (0 for interactive).
// Returns {0} (go), {1, retryAtMs, window} (blocked after a 429), {2, windowEndMs, slot} (nothing
// may go) or {3, windowEndMs, slot} (only background work is held back).
const ACQUIRE_SCRIPT = `
local blocked = redis.call('GET', KEYS[1])
if blocked then
  local sep = string.find(blocked, '|')
  return {1, string.sub(blocked, 1, sep - 1), string.sub(blocked, sep + 1)}
end
if ARGV[1] == '0' then return {0} end
local n = 4
local fraction = tonumber(ARGV[2])
for i = 1, n do
  local h = redis.call('HMGET', KEYS[1 + i], 'limit', 'usage')
  local limit = tonumber(h[1] or redis.call('GET', KEYS[1 + n + i]) or '')
  local usage = tonumber(h[2] or '0')
  if limit then
    local reserve = math.max(tonumber(ARGV[2 + i]), math.ceil(limit * fraction))
    if usage + 1 > limit - reserve then return {2, ARGV[2 + n + i], i} end
    local held = math.ceil(limit * tonumber(ARGV[2 + 2 * n + i]))
    if usage + 1 > limit - reserve - held then return {3, ARGV[2 + n + i], i} end
  end
end
for i = 1, n do
  local key = KEYS[1 + i]
  redis.call('HINCRBY', key, 'usage', 1)
  if redis.call('HEXISTS', key, 'limit') == 0 then
    local known = redis.call('GET', KEYS[1 + n + i])
    if known then redis.call('HSET', key, 'limit', known) end
  end
  redis.call('PEXPIREAT', key, ARGV[2 + n + i])
end
return {0}
`;

// KEYS[1]: usage hash; KEYS[2]: last known limit. ARGV: limit, usage, window end (ms).
// Usage only grows within a window and responses can arrive out of order: keep the maximum,
// which also keeps calls counted by ACQUIRE that Strava has not reported back yet.
const RECORD_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'usage') or '-1')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], 'usage', ARGV[2]) end
redis.call('HSET', KEYS[1], 'limit', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'PX', 172800000)
return 1
`;

type Slot = { family: RateFamily; window: RateLimitWindow };
const SLOTS: readonly Slot[] = RATE_FAMILIES.flatMap((family) =>
  RATE_WINDOWS.map((window) => ({ family, window })),
);

export function createRateGovernor(options: RateGovernorOptions): RateGovernor {
  const { redis, prefix, clock, logger } = options;
  const fraction = options.reserveFraction ?? 0.05;
  const minReserve15 = options.minReserve15min ?? 2;
  const share15 = options.interactiveShare15min ?? 0.2;
  const shareDaily = options.interactiveShareDaily ?? 0.05;
  const timeoutMs = options.redisTimeoutMs ?? 500;
  const blockKey = `${prefix}:strava-rate:blocked`;
  const usageKey = (slot: Slot, now: Date) => usageKeyOf(prefix, slot, now);
  const limitKey = (slot: Slot) => limitKeyOf(prefix, slot);
  /** Process-local copy of the latest 429 block, for when Redis cannot be asked. */
  let localBlock: { retryAt: Date; window: RateLimitWindow } | undefined;
  let degraded = false;

  async function viaRedis<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await withDeadline(run(), timeoutMs, `rate governor ${what}`);
      if (degraded) logger.info('strava rate governor: Redis is back, shared rate limiting resumed');
      degraded = false;
      return result;
    } catch (err) {
      if (!degraded) {
        logger.warn(
          { err: { message: err instanceof Error ? err.message : String(err) } },
          'strava rate governor: Redis unavailable, allowing calls without shared rate limiting',
        );
      }
      degraded = true;
      return undefined;
    }
  }

  return {
    async acquire(mode, priority = 'interactive') {
      const now = clock.now();
      if (localBlock && localBlock.retryAt.getTime() > now.getTime()) {
        throw new StravaRateLimitError(localBlock.retryAt, localBlock.window, 'strava');
      }
      const keys = [blockKey, ...SLOTS.map((slot) => usageKey(slot, now)), ...SLOTS.map(limitKey)];
      const args = [
        mode === 'budget' ? 1 : 0,
        fraction,
        ...SLOTS.map((slot) => (slot.window === '15min' ? minReserve15 : 0)),
        ...SLOTS.map((slot) => windowBounds(slot.window, now).endMs),
        ...SLOTS.map((slot) =>
          priority === 'interactive' ? 0 : slot.window === '15min' ? share15 : shareDaily,
        ),
      ];
      const answer = await viaRedis(
        'acquire',
        () => redis.eval(ACQUIRE_SCRIPT, keys.length, ...keys, ...args) as Promise<unknown[]>,
      );
      if (!answer || answer[0] === 0) return;
      if (answer[0] === 1) {
        const retryAt = new Date(Number(answer[1]));
        const window = answer[2] === 'daily' ? 'daily' : '15min';
        if (retryAt.getTime() > now.getTime()) localBlock = { retryAt, window };
        throw new StravaRateLimitError(retryAt, window, 'strava');
      }
      const slot = SLOTS[Number(answer[2]) - 1] ?? { window: '15min' };
      const scope = answer[0] === 3 ? 'background' : 'everyone';
      throw new StravaRateLimitError(new Date(Number(answer[1])), slot.window, 'governor', scope);
    },

    async record(headers, status) {
      const now = clock.now();
      const readings = parseRateLimitHeaders(headers);
      if (readings.length > 0) {
        await viaRedis('record', async () => {
          const pipeline = redis.pipeline();
          for (const r of readings) {
            const endMs = windowBounds(r.window, now).endMs;
            pipeline.eval(RECORD_SCRIPT, 2, usageKey(r, now), limitKey(r), r.limit, r.usage, endMs);
          }
          // exec() resolves even when every command failed: surface the first error.
          const failure = (await pipeline.exec())?.find(([err]) => err)?.[0];
          if (failure) throw failure;
        });
      }
      if (status !== 429) return undefined;
      const { retryAt, window } = retryAfterLimit(readings, now);
      localBlock = { retryAt, window };
      const ttlMs = Math.max(1, retryAt.getTime() - now.getTime());
      await viaRedis('block', () => redis.set(blockKey, `${retryAt.getTime()}|${window}`, 'PX', ttlMs));
      logger.warn({ retryAt: retryAt.toISOString(), window }, 'strava answered 429: pausing all calls');
      return new StravaRateLimitError(retryAt, window, 'strava');
    },
  };
}

function usageKeyOf(prefix: string, { family, window }: Slot, now: Date): string {
  return `${prefix}:strava-rate:${family}:${window}:${windowBounds(window, now).startMs}`;
}

function limitKeyOf(prefix: string, { family, window }: Slot): string {
  return `${prefix}:strava-rate:${family}:${window}:limit`;
}

/** The governor's view of one window: calls counted so far and the limit last reported by Strava. */
export type GovernorWindowView = {
  family: RateFamily;
  window: RateLimitWindow;
  usage: number;
  /** Null until a Strava answer has reported it. */
  limit: number | null;
  /** When the window resets. */
  resetsAt: Date;
};

/**
 * What the governor currently counts, for /metrics and `npm run strava -- quota`
 * (read from Redis, so every process sees the same numbers).
 */
export async function readGovernorView(
  redis: Redis,
  prefix: string,
  now: Date,
): Promise<GovernorWindowView[]> {
  const pipeline = redis.pipeline();
  for (const slot of SLOTS) {
    pipeline.hmget(usageKeyOf(prefix, slot, now), 'limit', 'usage');
    pipeline.get(limitKeyOf(prefix, slot));
  }
  const results = (await pipeline.exec()) ?? [];
  return SLOTS.map((slot, i) => {
    const [hashErr, hash] = results[2 * i] ?? [];
    const [knownErr, known] = results[2 * i + 1] ?? [];
    if (hashErr || knownErr) throw hashErr ?? knownErr;
    const [limit, usage] = (hash as (string | null)[] | undefined) ?? [null, null];
    const limitValue = limit ?? (known as string | null);
    return {
      family: slot.family,
      window: slot.window,
      usage: Number(usage ?? 0),
      limit: limitValue === null ? null : Number(limitValue),
      resetsAt: new Date(windowBounds(slot.window, now).endMs),
    };
  });
}
