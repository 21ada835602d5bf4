import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';
import type { Metrics } from '../../shared/metrics.js';
import { addressLimiterKey, runnerLimiterKey } from '../../shared/rate-limit/keys.js';
import { limiterCommands } from '../../shared/rate-limit/limiter-commands.js';

const MINUTE = 60_000;

/**
 * Verification emails (docs/front-door.md#email-abuse): at most 3 an hour and
 * 10 a day per runner, and at most 1 per address every 10 minutes whoever
 * asks, for the page forms and `PUT /api/me/email` alike (they share the use
 * case that calls this). Sliding windows, shared by every process through Redis.
 */
export const VERIFICATION_EMAIL_LIMITS = {
  hour: { ms: 60 * MINUTE, limit: 3 },
  day: { ms: 24 * 60 * MINUTE, limit: 10 },
  addressMs: 10 * MINUTE,
} as const;

/** Refused by a verification email limit; `retryAfterSeconds` says when it would pass. */
export class EmailRateLimitedError extends AppError {
  constructor(
    readonly reason: 'address' | 'hour' | 'day',
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', messageFor(reason, retryAfterSeconds), 429);
    this.name = 'EmailRateLimitedError';
  }
}

function messageFor(reason: 'address' | 'hour' | 'day', seconds: number): string {
  const wait =
    seconds < 90
      ? `${seconds} seconds`
      : seconds < 5_400
        ? `${Math.ceil(seconds / 60)} minutes`
        : `${Math.ceil(seconds / 3_600)} hours`;
  if (reason === 'address')
    return `A confirmation email went to this address a few minutes ago. Check that inbox, or try again in ${wait}.`;
  return `You asked for several confirmation emails recently. Please try again in ${wait}.`;
}

/**
 * Redis could not say whether the email may go: refused (fails closed), so an
 * outage is never a window for sending mail without limits.
 */
export class EmailLimitUnavailableError extends AppError {
  constructor() {
    super(
      'email_unavailable',
      'RampGuard cannot send a confirmation email right now. Please try again in a minute.',
      503,
      true,
    );
    this.name = 'EmailLimitUnavailableError';
  }
}

/**
 * Takes one verification email from the runner's and the address's budgets, or
 * throws EmailRateLimitedError (nothing taken) or EmailLimitUnavailableError.
 */
export async function reserveVerificationEmail(
  deps: { redis: Redis; queuePrefix: string; metrics: Metrics },
  runnerId: string,
  addressHash: string,
  now: Date,
): Promise<void> {
  const { redis, queuePrefix, metrics } = deps;
  let reservation: Awaited<ReturnType<ReturnType<typeof limiterCommands>['reserveEmail']>>;
  try {
    reservation = await limiterCommands(redis).reserveEmail(
      runnerLimiterKey(queuePrefix, runnerId, 'verification-emails'),
      addressLimiterKey(queuePrefix, addressHash),
      { now, ...VERIFICATION_EMAIL_LIMITS },
    );
  } catch {
    metrics.rateLimits.inc({ limiter: 'verification-email', decision: 'redis_unavailable_refused' });
    throw new EmailLimitUnavailableError();
  }
  if (!reservation.ok) {
    metrics.rateLimits.inc({ limiter: 'verification-email', decision: `refused_${reservation.reason}` });
    throw new EmailRateLimitedError(reservation.reason, Math.ceil(reservation.retryAfterMs / 1000));
  }
}
