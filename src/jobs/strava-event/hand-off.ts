import type { AppDeps } from '../../app/deps.js';
import { reportEnqueueFailure } from '../../app/queue/report-enqueue-failure.js';
import { withDeadline } from '../../shared/deadline.js';
import { type JobSink, jobToAdd } from '../definition.js';
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

/** One hand-off per job queue (`deps.jobs`), so per queue set: tests run several apps in one process. */
export type HandOffDeps = JobSink & Pick<AppDeps, 'metrics' | 'logger' | 'health'>;

export function createEventHandOff(deps: HandOffDeps): EventHandOff {
  const { queues, metrics } = deps;
  const pending: string[] = [];
  let inFlight: Promise<void> | undefined;
  let scheduled = false;

  const flush = async (): Promise<void> => {
    scheduled = false;
    while (pending.length > 0) {
      const keys = pending.splice(0, MAX_BULK);
      try {
        const jobs = keys.map((eventKey) => jobToAdd(deps, stravaEventJob, { eventKey }));
        await withDeadline(queues[stravaEventJob.queue].addBulk(jobs), BULK_DEADLINE_MS, 'event hand-off');
      } catch (err) {
        metrics.webhookEvents.inc({ outcome: 'recorded_not_enqueued' }, keys.length);
        reportEnqueueFailure(
          deps,
          err,
          { events: keys.length },
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
