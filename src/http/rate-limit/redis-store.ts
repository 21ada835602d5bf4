import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { type LimiterCommands, limiterCommands } from '../../shared/rate-limit/limiter-commands.js';

/**
 * An express-rate-limit store in Redis, so every web process (node:cluster
 * children, replicas behind a load balancer) shares one count per client
 * (docs/front-door.md#limits-shared-across-processes).
 *
 * Written here rather than taken from `rate-limit-redis`: that store loads its
 * script once when the limiter is created and keeps the promise, so a Redis
 * that is not reachable at that moment (the web role's connection fails fast
 * and may still be connecting) leaves the store failing on every request for
 * the life of the process. ioredis `defineCommand` has no such start-up step.
 */
export class RedisRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private readonly commands: LimiterCommands;

  /** `prefix` ends with `:` and is unique per limiter (see shared/rate-limit/keys.ts). */
  constructor(
    redis: Redis,
    readonly prefix: string,
  ) {
    this.commands = limiterCommands(redis);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { hits, resetInMs } = await this.commands.hit(this.prefix + key, this.windowMs);
    return { totalHits: hits, resetTime: new Date(Date.now() + resetInMs) };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { hits, resetInMs } = await this.commands.peek(this.prefix + key);
    return hits === 0 ? undefined : { totalHits: hits, resetTime: new Date(Date.now() + resetInMs) };
  }

  async decrement(key: string): Promise<void> {
    await this.commands.unhit(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.commands.del(this.prefix + key);
  }
}
