import { isRedisUnavailable } from '../../shared/dependency-errors.js';
import type { AppDeps } from '../deps.js';

/**
 * An add that failed after its row committed loses nothing (a sweeper
 * re-enqueues from Postgres). While Redis is away that happens on every add:
 * the outage is reported once (docs/degradation.md) and each failure is only a
 * debug line; any other failure is a warning.
 */
export function reportEnqueueFailure(
  deps: Pick<AppDeps, 'logger' | 'health'>,
  err: unknown,
  fields: Record<string, unknown>,
  message: string,
): void {
  if (isRedisUnavailable(err)) {
    deps.health.down('redis', err);
    deps.logger.debug({ ...fields, err }, message);
  } else {
    deps.logger.warn({ ...fields, err }, message);
  }
}
