/**
 * Is this failure a dependency being away (unreachable, restarting, refusing
 * connections), as opposed to a bug or bad data? Those are reported once to
 * the dependency health (docs/degradation.md) instead of being logged one line
 * per occurrence, and turn into 503s rather than 500s. Causes are followed:
 * drizzle wraps the driver's error in a DrizzleQueryError.
 */

/** Node's network error codes for a peer that is not there. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs of a server that cannot take the query now: connection exceptions
 * (08…), admin or crash shutdown, "cannot connect now" during start-up or
 * recovery, too many connections, and read-only during a failover.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '25006'].includes(code);
}

/** node-postgres' own messages for a connection that never came or went away. */
const PG_CONNECTION_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection error|not queryable|Client was closed|Cannot use a pool after calling end/i;

/** ioredis' and BullMQ's messages while the server is away. */
const REDIS_CONNECTION_MESSAGE =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue|MaxRetriesPerRequest|Reached the max retries|ECONNREFUSED|connect ETIMEDOUT|LOADING/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  return someInChain(err, (e) => {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))
    )
      return true;
    if (e instanceof Error && e.name === 'DeadlineError' && /database/.test(e.message)) return true;
    return e instanceof Error && PG_CONNECTION_MESSAGE.test(e.message) && !('params' in e);
  });
}

export function isRedisUnavailable(err: unknown): boolean {
  return someInChain(err, (e) => {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    return (
      e instanceof Error &&
      (e.name === 'MaxRetriesPerRequestError' || REDIS_CONNECTION_MESSAGE.test(e.message))
    );
  });
}

function someInChain(err: unknown, test: (e: unknown) => boolean): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (test(current)) return true;
    if (current instanceof AggregateError && current.errors.some((e) => test(e))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
