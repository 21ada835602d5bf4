import { ipKeyGenerator } from 'express-rate-limit';

/**
 * Per client ip, far above anything Strava sends (a 429 costs Strava one of
 * its three attempts): only a flood from one address is cut. 3,000/min leaves
 * room for Strava's retry burst after an outage. The ip honours exactly
 * TRUST_PROXY_HOPS proxies (src/http/client-ip.ts), and IPv6 clients count by
 * /56, as every other limiter does (express-rate-limit's `ipKeyGenerator`).
 *
 * Deliberately in memory, per process, unlike every other limiter
 * (docs/front-door.md#the-webhook-limiter-stays-per-process): the ack path
 * must not wait for a Redis round trip, and what this protects (the process's
 * CPU and its Postgres pool) is itself per process. N web processes accept N
 * times the rate, each within its own capacity.
 */
export const WEBHOOK_REQUESTS_PER_MINUTE = 3_000;

const WINDOW_MS = 60_000;

export type RateLimitSlot = {
  allowed: boolean;
  /** When this client's window ends (epoch ms). */
  resetAt: number;
  limit: number;
  remaining: number;
};

export type WebhookRateLimit = {
  /** Counts one request of `ip` (every request counts, refused ones too). */
  take(ip: string): RateLimitSlot;
  /** Uncounts a request we answered 503 ourselves (or that was cut off): Strava's retries must get through. */
  giveBack(ip: string, slot: RateLimitSlot): void;
};

type Client = { hits: number; resetAt: number };

/**
 * A fixed window per client, starting at its first request, as
 * express-rate-limit's MemoryStore counts (which this replaced when the ack
 * path left express, docs/scaling.md#the-ack-path). Two maps, swapped once a
 * window, bound the memory without a timer or a scan: a client not seen for a
 * whole window is dropped with the older map.
 */
export function createWebhookRateLimit(
  limit = WEBHOOK_REQUESTS_PER_MINUTE,
  now: () => number = Date.now,
): WebhookRateLimit {
  let current = new Map<string, Client>();
  let previous = new Map<string, Client>();
  let swapAt = now() + WINDOW_MS;

  const clientOf = (key: string, at: number): Client => {
    if (at >= swapAt) {
      previous = current;
      current = new Map();
      swapAt = at + WINDOW_MS;
    }
    let client = current.get(key);
    if (client) return client;
    client = previous.get(key) ?? { hits: 0, resetAt: at + WINDOW_MS };
    previous.delete(key);
    current.set(key, client);
    return client;
  };

  return {
    take(ip) {
      const at = now();
      const client = clientOf(ipKeyGenerator(ip), at);
      if (client.resetAt <= at) {
        client.hits = 0;
        client.resetAt = at + WINDOW_MS;
      }
      client.hits++;
      return {
        allowed: client.hits <= limit,
        resetAt: client.resetAt,
        limit,
        remaining: Math.max(limit - client.hits, 0),
      };
    },
    giveBack(ip, slot) {
      const at = now();
      // A hit from a window that has ended is gone already.
      if (at >= slot.resetAt) return;
      const client = clientOf(ipKeyGenerator(ip), at);
      if (client.hits > 0) client.hits--;
    },
  };
}

/** Seconds until the window ends, for Retry-After and the RateLimit header (draft-7, as express-rate-limit sent). */
export function rateLimitHeaders(slot: RateLimitSlot, at = Date.now()): Record<string, string> {
  const reset = String(Math.max(0, Math.ceil((slot.resetAt - at) / 1_000)));
  return {
    'Retry-After': reset,
    'RateLimit-Policy': `${slot.limit};w=${WINDOW_MS / 1_000}`,
    RateLimit: `limit=${slot.limit}, remaining=${slot.remaining}, reset=${reset}`,
  };
}
