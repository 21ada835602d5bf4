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
 * time. A bulk leaves LINGER_MS after the first of its keys arrived (at once
 * when MAX_BULK are waiting): sending on the next turn instead made, under load,
 * many bulks of a few jobs each, and each costs a socket write and Redis a
 * pipeline (docs/scaling.md#the-ack-path). The linger is behind the ack, so
 * it delays the job, never the answer.
 *
 * Nothing is lost when a hand-off fails (Redis down, a deadline, shutdown):
 * the row is committed and the inbox sweeper enqueues every unfinished row.
 */
export const LINGER_MS = 15;
const MAX_BULK = 500;
const BULK_DEADLINE_MS = 2_000;

/** Takes one event key; `flushed()` sends what waits at once and resolves when nothing is pending or in flight. */
export type EventHandOff = { (eventKey: string): void; flushed(): Promise<void> };

/** One hand-off per job queue (`deps.jobs`), so per queue set: tests run several apps in one process. */
export type HandOffDeps = JobSink & Pick<AppDeps, 'metrics' | 'logger' | 'health'>;

export function createEventHandOff(deps: HandOffDeps): EventHandOff {
  const { queues, metrics } = deps;
  const pending: string[] = [];
  /** When the oldest pending key arrived (performance.now()), for its linger. */
  let oldestAt = 0;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const send = async (keys: string[]): Promise<void> => {
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
  };

  const run = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (inFlight || pending.length === 0) return;
    const keys = pending.splice(0, MAX_BULK);
    oldestAt = performance.now();
    inFlight = send(keys).finally(() => {
      inFlight = undefined;
      schedule();
    });
  };
  /** Keys that arrived during a bulk have lingered meanwhile: only the rest of LINGER_MS is left. */
  const schedule = () => {
    if (timer || inFlight || pending.length === 0) return;
    if (pending.length >= MAX_BULK) return run();
    timer = setTimeout(run, Math.max(0, oldestAt + LINGER_MS - performance.now()));
  };

  const handOff = (eventKey: string) => {
    if (pending.length === 0) oldestAt = performance.now();
    pending.push(eventKey);
    if (pending.length >= MAX_BULK && !inFlight) run();
    else schedule();
  };
  handOff.flushed = async () => {
    while (inFlight || pending.length > 0) {
      run();
      if (inFlight) await inFlight;
    }
  };
  return handOff;
}
