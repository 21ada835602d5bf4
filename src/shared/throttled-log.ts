import type { Logger } from './logger.js';

/**
 * A warning that may happen hundreds of times a second (a webhook answering
 * 503 during an outage): the first occurrence is logged at once, later ones
 * are counted and summed up in at most one line per `everyMs`.
 */
export function createThrottledWarning(logger: Logger, message: string, everyMs = 60_000) {
  let lastAt = 0;
  let suppressed = 0;
  return (fields: Record<string, unknown> = {}, now = Date.now()): void => {
    if (now - lastAt < everyMs) {
      suppressed++;
      return;
    }
    logger.warn({ ...fields, ...(suppressed > 0 ? { sinceLastLine: suppressed + 1 } : {}) }, message);
    lastAt = now;
    suppressed = 0;
  };
}
