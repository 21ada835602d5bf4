import type { Redis } from 'ioredis';
import { withDeadline } from '../../shared/deadline.js';

/**
 * The Lua scripts every limiter runs, registered on a connection with ioredis
 * `defineCommand` (EVALSHA, falling back to EVAL after a Redis restart emptied
 * the script cache, so nothing is loaded at start-up that could fail for good).
 *
 * Each call has a deadline: a limiter must answer in milliseconds or not at all.
 * On the web role's fail-fast connection a Redis that is down rejects at once;
 * one that hangs is cut here. Callers decide whether that fails open or closed
 * (docs/front-door.md#when-redis-is-down).
 */
export const LIMITER_DEADLINE_MS = 250;

/** Fixed window: the first hit creates the key with the window as its TTL. */
const HIT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
  return {1, tonumber(ARGV[1])}
end
return {redis.call('INCR', KEYS[1]), ttl}`;

/** Gives a hit back (express-rate-limit's skip options); never creates a key without a TTL. */
const UNHIT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
return 0`;

const PEEK = `
local hits = redis.call('GET', KEYS[1])
if not hits then return {0, 0} end
return {tonumber(hits), redis.call('PTTL', KEYS[1])}`;

/**
 * Verification email budget, all or nothing. KEYS[1]: the runner's sorted set of
 * send times; KEYS[2]: the address key (value: until when it is taken).
 * ARGV: now, hourMs, hourLimit, dayMs, dayLimit, addressMs, member.
 * Returns {'ok', 0} having recorded the send, or {reason, retryAfterMs}.
 * Sliding windows over the send log: "3 an hour" holds for every hour, not
 * just for clock hours.
 */
const RESERVE_EMAIL = `
local now = tonumber(ARGV[1])
local hourMs, hourLimit = tonumber(ARGV[2]), tonumber(ARGV[3])
local dayMs, dayLimit = tonumber(ARGV[4]), tonumber(ARGV[5])
local addressMs = tonumber(ARGV[6])
local takenUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
if takenUntil > now then return {'address', takenUntil - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - dayMs)
local inDay = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if redis.call('ZCARD', KEYS[1]) >= dayLimit then
  return {'day', tonumber(inDay[2]) + dayMs - now}
end
local inHour = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - hourMs), '+inf', 'WITHSCORES')
if #inHour / 2 >= hourLimit then
  return {'hour', tonumber(inHour[2]) + hourMs - now}
end
redis.call('ZADD', KEYS[1], now, ARGV[7])
redis.call('PEXPIRE', KEYS[1], dayMs)
redis.call('SET', KEYS[2], now + addressMs, 'PX', addressMs)
return {'ok', 0}`;

type LimiterScripts = {
  rgLimitHit(key: string, windowMs: number): Promise<[number, number]>;
  rgLimitUnhit(key: string): Promise<number>;
  rgLimitPeek(key: string): Promise<[number, number]>;
  rgReserveEmail(
    runnerKey: string,
    addressKey: string,
    ...args: (string | number)[]
  ): Promise<[string, number]>;
};

const registered = new WeakSet<Redis>();

/**
 * Until a connection has been ready once (the first milliseconds after start),
 * a call waits for it within its deadline instead of failing at once, so the
 * first requests of a fresh process are counted too. After that, a lost
 * connection fails fast (the web role's client has no offline queue).
 */
const firstConnection = new WeakMap<Redis, Promise<void>>();

function awaitFirstConnection(redis: Redis): Promise<void> | undefined {
  return firstConnection.get(redis);
}

function scriptsOn(redis: Redis): LimiterScripts {
  if (!registered.has(redis)) {
    if (redis.status !== 'ready') {
      firstConnection.set(
        redis,
        new Promise<void>((resolve) => {
          redis.once('ready', () => {
            firstConnection.delete(redis);
            resolve();
          });
        }),
      );
    }
    redis.defineCommand('rgLimitHit', { numberOfKeys: 1, lua: HIT });
    redis.defineCommand('rgLimitUnhit', { numberOfKeys: 1, lua: UNHIT });
    redis.defineCommand('rgLimitPeek', { numberOfKeys: 1, lua: PEEK });
    redis.defineCommand('rgReserveEmail', { numberOfKeys: 2, lua: RESERVE_EMAIL });
    registered.add(redis);
  }
  return redis as unknown as LimiterScripts;
}

export type WindowCount = { hits: number; resetInMs: number };

export type EmailReservation =
  | { ok: true }
  | { ok: false; reason: 'address' | 'hour' | 'day'; retryAfterMs: number };

export type EmailBudget = {
  now: Date;
  hour: { ms: number; limit: number };
  day: { ms: number; limit: number };
  addressMs: number;
};

/** The limiter operations over one Redis connection; every call rejects within the deadline. */
export type LimiterCommands = {
  hit(key: string, windowMs: number): Promise<WindowCount>;
  unhit(key: string): Promise<void>;
  peek(key: string): Promise<WindowCount>;
  del(key: string): Promise<void>;
  reserveEmail(runnerKey: string, addressKey: string, budget: EmailBudget): Promise<EmailReservation>;
};

export function limiterCommands(redis: Redis, deadlineMs = LIMITER_DEADLINE_MS): LimiterCommands {
  const scripts = scriptsOn(redis);
  const timed = <T>(what: string, run: () => Promise<T>) => {
    const first = awaitFirstConnection(redis);
    return withDeadline(first ? first.then(run) : run(), deadlineMs, `rate limiter ${what}`);
  };
  return {
    async hit(key, windowMs) {
      const [hits, resetInMs] = await timed('hit', () => scripts.rgLimitHit(key, windowMs));
      return { hits: Number(hits), resetInMs: Number(resetInMs) };
    },
    async unhit(key) {
      await timed('unhit', () => scripts.rgLimitUnhit(key));
    },
    async peek(key) {
      const [hits, resetInMs] = await timed('peek', () => scripts.rgLimitPeek(key));
      return { hits: Number(hits), resetInMs: Math.max(0, Number(resetInMs)) };
    },
    async del(key) {
      await timed('del', () => redis.del(key));
    },
    async reserveEmail(runnerKey, addressKey, { now, hour, day, addressMs }) {
      const at = now.getTime();
      const [result, retryAfterMs] = await timed('reserve email', () =>
        scripts.rgReserveEmail(
          runnerKey,
          addressKey,
          at,
          hour.ms,
          hour.limit,
          day.ms,
          day.limit,
          addressMs,
          `${at}-${Math.random().toString(36).slice(2, 10)}`,
        ),
      );
      if (result === 'ok') return { ok: true };
      return {
        ok: false,
        reason: result as 'address' | 'hour' | 'day',
        retryAfterMs: Math.max(1_000, Number(retryAfterMs)),
      };
    },
  };
}
