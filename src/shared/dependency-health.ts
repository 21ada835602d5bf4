import type { Role } from '../config.js';
import type { Logger } from './logger.js';

/**
 * What this process knows about Postgres and Redis, and the one place that
 * says so in the log (docs/degradation.md). Every client, queue, worker and
 * route reports failures here instead of logging them: the first failure logs
 * one line saying what is down and how RampGuard behaves meanwhile, then at
 * most one line a minute while it lasts, and one line when it is back. While a
 * dependency is down a probe checks it every second, so recovery is noticed
 * even when nothing else touches it.
 */
export type Dependency = 'database' | 'redis';

/**
 * `starting`: not reached yet since the process started (the database also
 * needs its migrations). `up` / `down`: the last thing we saw.
 */
export type DependencyState = 'starting' | 'up' | 'down';

export type DependencyHealth = {
  state(name: Dependency): DependencyState;
  isUp(name: Dependency): boolean;
  /** A failure that means the dependency is away (see dependency-errors.ts). */
  down(name: Dependency, err: unknown): void;
  up(name: Dependency): void;
  /** How recovery is checked while down (registered by the composition root). */
  setProbe(name: Dependency, probe: () => Promise<void>): void;
  /** Called each time the dependency comes back after being down (not at the first connection). */
  onRecovery(name: Dependency, listener: () => void): void;
  /** What /readyz shows besides the checks: what is missing and what that means. */
  describe(): { missing: Dependency[]; meanwhile: string[] };
  stop(): void;
};

export type DependencyHealthOptions = {
  logger: Logger;
  role: Role;
  /** How often a still-down dependency is mentioned again (default one minute). */
  reportEveryMs?: number;
  probeEveryMs?: number;
  now?: () => number;
};

type Entry = {
  state: DependencyState;
  downSince: number | undefined;
  lastReportAt: number;
  lastError: string | undefined;
  probe: (() => Promise<void>) | undefined;
  probing: NodeJS.Timeout | undefined;
  recovered: (() => void)[];
};

/** How RampGuard behaves without each dependency, per role (also in docs/degradation.md). */
export function meanwhileOf(name: Dependency, role: Role): string {
  const web = role !== 'worker';
  const worker = role !== 'web';
  if (name === 'redis') {
    return [
      web &&
        'webhooks are still acknowledged into the Postgres inbox and pages work; nothing is queued until Redis is back',
      worker &&
        'no job runs; workers attach by themselves when Redis is back and the sweepers then enqueue everything recorded meanwhile',
    ]
      .filter(Boolean)
      .join('; ');
  }
  return [
    web &&
      'webhooks answer 503 so Strava retries them, pages show an outage page, nothing is lost or acknowledged meanwhile',
    worker && 'jobs wait and retry with backoff; workers start once it is reachable',
  ]
    .filter(Boolean)
    .join('; ');
}

const NAMES: Record<Dependency, string> = { database: 'Postgres', redis: 'Redis' };

export function createDependencyHealth(options: DependencyHealthOptions): DependencyHealth {
  const { logger, role } = options;
  const reportEveryMs = options.reportEveryMs ?? 60_000;
  const probeEveryMs = options.probeEveryMs ?? 1_000;
  const now = options.now ?? Date.now;
  const entries: Record<Dependency, Entry> = {
    database: fresh(),
    redis: fresh(),
  };
  let stopped = false;

  function fresh(): Entry {
    return {
      state: 'starting',
      downSince: undefined,
      lastReportAt: 0,
      lastError: undefined,
      probe: undefined,
      probing: undefined,
      recovered: [],
    };
  }

  function startProbing(name: Dependency): void {
    const entry = entries[name];
    if (entry.probing || !entry.probe || stopped) return;
    const probe = entry.probe;
    const tick = async () => {
      entry.probing = undefined;
      if (stopped || entry.state !== 'down') return;
      try {
        await probe();
        health.up(name);
      } catch (err) {
        health.down(name, err);
      }
    };
    entry.probing = setTimeout(() => void tick(), probeEveryMs);
    entry.probing.unref();
  }

  const health: DependencyHealth = {
    state: (name) => entries[name].state,
    isUp: (name) => entries[name].state === 'up',

    down(name, err) {
      const entry = entries[name];
      const at = now();
      entry.lastError = errorLabel(err);
      if (entry.state !== 'down') {
        entry.state = 'down';
        entry.downSince = at;
        entry.lastReportAt = at;
        logger.warn(
          { dependency: name, err, meanwhile: meanwhileOf(name, role) },
          `${NAMES[name]} is unreachable (${entry.lastError}). Meanwhile ${meanwhileOf(name, role)}. Retrying; next report in a minute if it lasts.`,
        );
      } else if (at - entry.lastReportAt >= reportEveryMs) {
        entry.lastReportAt = at;
        logger.warn(
          { dependency: name, downForSeconds: Math.round((at - (entry.downSince ?? at)) / 1000) },
          `${NAMES[name]} still unreachable (${entry.lastError})`,
        );
      }
      startProbing(name);
    },

    up(name) {
      const entry = entries[name];
      const was = entry.state;
      entry.state = 'up';
      if (entry.probing) clearTimeout(entry.probing);
      entry.probing = undefined;
      if (was === 'down') {
        const seconds = Math.round((now() - (entry.downSince ?? now())) / 1000);
        logger.info({ dependency: name, downForSeconds: seconds }, `${NAMES[name]} is reachable again`);
        for (const listener of entry.recovered) listener();
      }
      entry.downSince = undefined;
    },

    setProbe(name, probe) {
      entries[name].probe = probe;
      if (entries[name].state === 'down') startProbing(name);
    },

    onRecovery(name, listener) {
      entries[name].recovered.push(listener);
    },

    describe() {
      const missing = (Object.keys(entries) as Dependency[]).filter((n) => entries[n].state !== 'up');
      return { missing, meanwhile: missing.map((n) => `${NAMES[n]}: ${meanwhileOf(n, role)}`) };
    },

    stop() {
      stopped = true;
      for (const entry of Object.values(entries)) if (entry.probing) clearTimeout(entry.probing);
    },
  };
  return health;
}

/** `ECONNREFUSED`, `57P03`, `timeout exceeded when trying to connect`: the code, else a short safe text. */
function errorLabel(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.length <= 16) return code;
    current = (current as { cause?: unknown }).cause;
  }
  const name = err instanceof Error ? err.name : 'error';
  return name === 'DeadlineError' && err instanceof Error ? 'no answer in time' : name;
}
