import { DAY_MS } from '../../domain/duration.js';
import type { RateLimitWindow } from './errors.js';

/**
 * Strava's rate-limit windows (docs/strava-api.md#rate-limits): 15-minute windows reset at :00,
 * :15, :30 and :45 UTC, the daily one at UTC midnight. Two families: overall
 * (`X-RateLimit-*`) and read (`X-ReadRateLimit-*`); each header is
 * "<15-minute value>,<daily value>".
 */

export type RateFamily = 'overall' | 'read';
export const RATE_FAMILIES: readonly RateFamily[] = ['overall', 'read'];
export const RATE_WINDOWS: readonly RateLimitWindow[] = ['15min', 'daily'];

export type WindowReading = { family: RateFamily; window: RateLimitWindow; limit: number; usage: number };

const QUARTER_MS = 15 * 60_000;

/** The window containing `at`: [start, end) in epoch ms. */
export function windowBounds(window: RateLimitWindow, at: Date): { startMs: number; endMs: number } {
  const size = window === '15min' ? QUARTER_MS : DAY_MS;
  const startMs = Math.floor(at.getTime() / size) * size;
  return { startMs, endMs: startMs + size };
}

const HEADER_NAMES: Record<RateFamily, { limit: string; usage: string }> = {
  overall: { limit: 'x-ratelimit-limit', usage: 'x-ratelimit-usage' },
  read: { limit: 'x-readratelimit-limit', usage: 'x-readratelimit-usage' },
};

/** Reads both header families (any case); pairs that are missing or malformed are skipped. */
export function parseRateLimitHeaders(headers: Record<string, unknown>): WindowReading[] {
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') lower.set(name.toLowerCase(), value);
    else if (Array.isArray(value) && typeof value[0] === 'string') lower.set(name.toLowerCase(), value[0]);
  }
  const readings: WindowReading[] = [];
  for (const family of RATE_FAMILIES) {
    const limits = parsePair(lower.get(HEADER_NAMES[family].limit));
    const usages = parsePair(lower.get(HEADER_NAMES[family].usage));
    if (!limits || !usages) continue;
    readings.push({ family, window: '15min', limit: limits[0], usage: usages[0] });
    readings.push({ family, window: 'daily', limit: limits[1], usage: usages[1] });
  }
  return readings;
}

function parsePair(value: string | undefined): [number, number] | undefined {
  if (!value) return undefined;
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || !parts.every((n) => Number.isInteger(n) && n >= 0)) return undefined;
  return [parts[0] as number, parts[1] as number];
}

/**
 * When a 429 (or a spent budget) can be retried: the next UTC midnight if a
 * daily count is spent, otherwise the next quarter hour.
 */
export function retryAfterLimit(
  readings: WindowReading[],
  now: Date,
): { retryAt: Date; window: RateLimitWindow } {
  const dailySpent = readings.some((r) => r.window === 'daily' && r.usage >= r.limit);
  const window: RateLimitWindow = dailySpent ? 'daily' : '15min';
  return { retryAt: new Date(windowBounds(window, now).endMs), window };
}
