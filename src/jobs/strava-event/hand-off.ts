import { withDeadline } from '../../db/client.js';
import type { Logger } from '../../shared/logger.js';
import type { Metrics } from '../../shared/metrics.js';
import type { Queues } from '../queues.js';
import { stravaEventJob } from './job.js';

/**
 * Hands committed inbox rows to the events queue after the webhook has been
 * answered (docs/scaling.md): the ack waits only for Postgres, and the jobs of
 * every row committed meanwhile go to Redis in one `addBulk` (one round trip,
 * one pipeline) instead of one `add` per request. One bulk is in flight at a
 * time, so batches grow exactly when Redis is the slower side.
 *
 * Nothing is lost when a hand-off fails (Redis down, a deadline, shutdown):
 * the row is committed and the inbox sweeper enqueues every unfinished row.
 */
const MAX_BULK = 500;
const BULK_DEADLINE_MS = 2_000;

export type EventHandOff = { (eventKey: string): void; flushed(): Promise<void> };

export function createEventHandOff(queues: Queues, metrics: Metrics, logger: Logger): EventHandOff {
  const pending: string[] = [];
  let inFlight: Promise<void> | undefined;
  let scheduled = false;

  const flush = async (): Promise<void> => {
    scheduled = false;
    while (pending.length > 0) {
      const keys = pending.splice(0, MAX_BULK);
      const jobs = keys.map((eventKey) => {
        const data = stravaEventJob.schema.parse({ eventKey });
        return { name: stravaEventJob.name, data, opts: stravaEventJob.options(data) };
      });
      try {
        await withDeadline(queues[stravaEventJob.queue].addBulk(jobs), BULK_DEADLINE_MS, 'event hand-off');
      } catch (err) {
        metrics.webhookEvents.inc({ outcome: 'recorded_not_enqueued' }, keys.length);
        logger.warn(
          { events: keys.length, err: { name: (err as Error).name, message: (err as Error).message } },
          'events recorded but not enqueued; the inbox sweeper will enqueue them',
        );
      }
    }
  };

  const run = () => {
    inFlight = flush().finally(() => {
      inFlight = undefined;
      if (pending.length > 0) schedule();
    });
  };
  const schedule = () => {
    if (scheduled || inFlight) return;
    scheduled = true;
    // After the current I/O callbacks: every ack that committed in this turn joins the bulk.
    setImmediate(run);
  };

  const handOff = (eventKey: string) => {
    pending.push(eventKey);
    schedule();
  };
  handOff.flushed = async () => {
    while (inFlight || scheduled || pending.length > 0) {
      if (inFlight) await inFlight;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return handOff;
}

/** One hand-off per queue set (tests run several apps in one process). */
const handOffs = new WeakMap<Queues, EventHandOff>();

export function eventHandOffFor(queues: Queues, metrics: Metrics, logger: Logger): EventHandOff {
  let handOff = handOffs.get(queues);
  if (!handOff) {
    handOff = createEventHandOff(queues, metrics, logger);
    handOffs.set(queues, handOff);
  }
  return handOff;
}
