import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { sweepInbox } from '../app/webhook/sweep-inbox.js';
import { sweepOutbox } from '../email/outbox/sweep-outbox.js';
import { withDeadline } from '../shared/deadline.js';
import type { JobDefinition } from './definition.js';
import type { ProcessDeps } from './process-deps.js';
import type { QueueName } from './queue-names.js';
import { checkRedisConfig } from './redis-gate.js';
import { keepSchedules, SCHEDULE_REFRESH_MS } from './schedules.js';
import { closeWorkers, startWorkers, type WorkerOptions } from './worker.js';

/** What /readyz shows for the workers of this process. */
export type WorkersState =
  | 'waiting for the database'
  | 'waiting for Redis'
  | 'running'
  | 'refused: Redis is not safe for BullMQ'
  | 'stopped';

export type AttachedWorkers = {
  state(): WorkersState;
  /** Filled once attached; the same array throughout. */
  workers: Worker[];
  /** Resolves once the workers run (never, if they never can). */
  attached: Promise<void>;
  close(timeoutMs: number): Promise<'drained' | 'forced' | 'never started'>;
};

export type AttachOptions = {
  registry: readonly JobDefinition<unknown>[];
  connection: Redis;
  /** Resolves once the database is migrated. */
  databaseReady: Promise<void>;
  concurrency: Record<QueueName, number>;
  workerOptions?: Omit<WorkerOptions, 'connection' | 'concurrency'>;
};

/** A refused (misconfigured) Redis is checked again this often: CONFIG SET fixes it without a restart. */
const GATE_RETRY_MS = 60_000;
const GATE_DEADLINE_MS = 5_000;

/**
 * Workers attach when they can, never before listening (docs/degradation.md):
 * once the database is migrated and the worker connection to Redis is ready,
 * the Redis config gate runs (bounded: it must not block anything), then the
 * workers and the maintenance schedules start, and a catch-up sweep enqueues
 * whatever was recorded while Redis was away. The same catch-up runs whenever
 * Redis comes back after an outage.
 */
export function attachWorkers(deps: ProcessDeps, options: AttachOptions): AttachedWorkers {
  const { logger, config } = deps;
  const workers: Worker[] = [];
  let state: WorkersState = 'waiting for the database';
  let stopSchedules = () => {};
  let stopped = false;
  let markAttached: () => void = () => {};
  const attached = new Promise<void>((resolve) => {
    markAttached = resolve;
  });
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const connectionReady = () =>
    new Promise<void>((resolve) => {
      if (options.connection.status === 'ready' || stopped) return resolve();
      const done = () => {
        options.connection.off('ready', done);
        resolve();
      };
      options.connection.on('ready', done);
      wake = done;
    });

  const run = async () => {
    await Promise.race([options.databaseReady, new Promise<void>((r) => (wake = r))]);
    while (!stopped) {
      state = 'waiting for Redis';
      await connectionReady();
      if (stopped) return;
      try {
        await withDeadline(
          checkRedisConfig(options.connection, logger, config.isProduction),
          GATE_DEADLINE_MS,
          'redis config check',
        );
        break;
      } catch (err) {
        if (stopped) return;
        if ((err as Error).name === 'DeadlineError') continue; // Redis went away mid-check: wait again
        state = 'refused: Redis is not safe for BullMQ';
        logger.error(
          { err },
          'workers not started: Redis is not safe for BullMQ; checking again in a minute',
        );
        await sleep(GATE_RETRY_MS);
      }
    }
    if (stopped) return;
    workers.push(
      ...startWorkers(deps, options.registry, {
        connection: options.connection,
        concurrency: options.concurrency,
        ...options.workerOptions,
      }),
    );
    // Re-asserted periodically: a wiped Redis would otherwise lose the sweepers for good.
    stopSchedules = keepSchedules(deps.queues, logger, {
      sweepEveryMs: config.sweepIntervalMs,
      refreshMs: config.sweepIntervalMs ? config.sweepIntervalMs * 5 : SCHEDULE_REFRESH_MS,
      health: deps.health,
    });
    state = 'running';
    logger.info({ queues: workers.map((w) => w.name) }, 'workers attached');
    markAttached();
    catchUp(deps, 'workers attached');
  };
  void run().catch((err: unknown) => logger.error({ err }, 'workers could not attach'));
  deps.health.onRecovery('redis', () => {
    if (state === 'running') catchUp(deps, 'redis is back');
  });

  return {
    state: () => (stopped ? 'stopped' : state),
    workers,
    attached,
    async close(timeoutMs) {
      stopped = true;
      wake?.();
      stopSchedules();
      if (workers.length === 0) return 'never started';
      return closeWorkers(workers, timeoutMs);
    },
  };
}

/**
 * Enqueues every unfinished inbox row, due analysis and due outbox row now,
 * instead of waiting for the sweepers' staleness window: after an outage the
 * backlog is known to have no job. Adds are idempotent (job ids, dedupe).
 */
function catchUp(deps: ProcessDeps, reason: string): void {
  void (async () => {
    const inbox = await sweepInbox(deps, { staleAfterMs: 0, limit: 500 });
    const outbox = await sweepOutbox(deps, 200, 0);
    if (inbox.eventsAdded + inbox.analysesAdded + outbox.requeued > 0) {
      deps.logger.info(
        { reason, ...inbox, emails: outbox.requeued },
        'catch-up sweep enqueued recorded work',
      );
    }
  })().catch((err: unknown) =>
    deps.logger.warn({ err, reason }, 'catch-up sweep failed; the sweepers will retry'),
  );
}
