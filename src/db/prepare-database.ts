import { isDatabaseUnavailable } from '../shared/dependency-errors.js';
import type { DependencyHealth } from '../shared/dependency-health.js';
import type { Logger } from '../shared/logger.js';
import type { Database } from './client.js';
import { migrateDatabase } from './migrate.js';

export type DatabasePreparation = {
  /** Settles after the first attempt: resolves whether or not Postgres answered; rejects on a broken migration. */
  firstAttempt: Promise<void>;
  /** Resolves once the database is migrated and its lifetime id is known. */
  ready: Promise<void>;
  stop(): void;
};

/** Between attempts while Postgres is away: soon at first, then every 5 s. */
const RETRY_MS = [1_000, 2_000, 5_000];

/**
 * Start in any order (docs/degradation.md): the process listens at once and
 * migrates the database whenever Postgres is reachable. Until then the web
 * role answers webhooks 503 and pages with the outage page, and workers wait.
 * An unreachable Postgres is reported to `health` (one line, then one a
 * minute); a migration that fails for any other reason is a bug in the
 * deployment: the first attempt rejects (the start fails), later ones log an
 * error and keep trying.
 */
export function prepareDatabase(
  database: Database,
  health: DependencyHealth,
  logger: Logger,
): DatabasePreparation {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const attempt = async (n: number): Promise<void> => {
    try {
      await migrateDatabase(database);
    } catch (err) {
      if (stopped) return;
      if (isDatabaseUnavailable(err)) health.down('database', err);
      else if (n === 0) throw err;
      else logger.error({ err }, 'database migration failed; retrying');
      timer = setTimeout(() => void attempt(n + 1), RETRY_MS[Math.min(n, RETRY_MS.length - 1)]);
      timer.unref();
      return;
    }
    health.setProbe('database', () => database.ping(1_000));
    health.up('database');
    markReady();
  };

  return {
    firstAttempt: attempt(0),
    ready,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
