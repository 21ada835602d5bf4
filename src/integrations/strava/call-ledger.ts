import type { Redis } from 'ioredis';
import type { Clock } from '../../shared/clock.js';

/**
 * Strava calls by purpose and outcome, counted per UTC hour in Redis, so that
 * `npm run strava -- quota` sees what every process spent (Prometheus counters
 * live in each process). Eight days are kept. Counting never delays or fails a
 * call: the increment is sent without waiting, and a Redis outage only loses
 * counts (docs/strava-quota.md#accounting).
 */
export type CallLedger = { count(purpose: string, outcome: string): void };

const HOUR_MS = 3_600_000;
const KEEP_SECONDS = 8 * 24 * 3_600;

function hourKey(prefix: string, hourStartMs: number): string {
  return `${prefix}:strava-calls:${new Date(hourStartMs).toISOString().slice(0, 13)}`;
}

export function createCallLedger(options: { redis: Redis; prefix: string; clock: Clock }): CallLedger {
  const { redis, prefix, clock } = options;
  return {
    count(purpose, outcome) {
      const key = hourKey(prefix, Math.floor(clock.now().getTime() / HOUR_MS) * HOUR_MS);
      redis
        .multi()
        .hincrby(key, `${purpose}|${outcome}`, 1)
        .expire(key, KEEP_SECONDS)
        .exec()
        .catch(() => undefined);
    },
  };
}

export type LedgerEntry = { purpose: string; outcome: string; calls: number };

/**
 * Calls in the `hours` UTC hours ending with the current one (so up to `hours`
 * hours back, and at least `hours - 1` full ones), and the earliest hour with any.
 */
export async function readCallLedger(
  redis: Redis,
  prefix: string,
  now: Date,
  hours = 24,
): Promise<{ entries: LedgerEntry[]; since: Date | null }> {
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const starts = Array.from({ length: hours }, (_, i) => currentHour - (hours - 1 - i) * HOUR_MS);
  const pipeline = redis.pipeline();
  for (const start of starts) pipeline.hgetall(hourKey(prefix, start));
  const results = (await pipeline.exec()) ?? [];
  const totals = new Map<string, number>();
  let since: Date | null = null;
  results.forEach(([err, hash], i) => {
    if (err) throw err;
    const fields = Object.entries((hash as Record<string, string>) ?? {});
    if (fields.length > 0 && since === null) since = new Date(starts[i] as number);
    for (const [field, value] of fields) totals.set(field, (totals.get(field) ?? 0) + Number(value));
  });
  const entries = [...totals].map(([field, calls]) => {
    const [purpose = '', outcome = ''] = field.split('|');
    return { purpose, outcome, calls };
  });
  entries.sort((a, b) => a.purpose.localeCompare(b.purpose) || a.outcome.localeCompare(b.outcome));
  return { entries, since };
}
