import type { Logger } from './logger.js';

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

/**
 * Ordered graceful shutdown (docs/reliability-rules.md#ordered-shutdown): steps run one after another
 * in registration order (stop HTTP → close workers → close queues → quit Redis
 * → end the database), under one overall deadline after which the process
 * exits anyway. A second signal exits at once, unless it comes within
 * REPEAT_WINDOW_MS of the first: under `npm start` (tsx) one Ctrl-C arrives
 * twice, from the terminal and relayed by tsx, and must not cut the shutdown short.
 */
const REPEAT_WINDOW_MS = 1_000;

export function createShutdown(
  logger: Logger,
  deadlineMs: number,
  exit: (code: number) => void = process.exit,
) {
  const steps: ShutdownStep[] = [];
  let started: Promise<void> | undefined;

  async function runSteps(): Promise<number> {
    let failed = false;
    for (const step of steps) {
      try {
        await step.run();
        logger.info({ step: step.name }, 'shutdown step done');
      } catch (err) {
        failed = true;
        logger.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    return failed ? 1 : 0;
  }

  return {
    add(name: string, run: () => Promise<unknown>) {
      steps.push({ name, run });
    },
    /** Runs the steps once; later calls return the same promise. */
    run(reason: string): Promise<void> {
      if (started) return started;
      logger.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ deadlineMs }, 'shutdown deadline passed, exiting');
        exit(1);
      }, deadlineMs);
      timer.unref();
      started = runSteps().then((code) => {
        clearTimeout(timer);
        exit(code);
      });
      return started;
    },
    listen() {
      let firstAt = 0;
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.on(signal, () => {
          if (started) {
            if (Date.now() - firstAt < REPEAT_WINDOW_MS) return;
            logger.warn({ signal }, 'second signal, exiting now');
            exit(1);
          }
          firstAt = Date.now();
          void this.run(signal);
        });
      }
    },
  };
}
