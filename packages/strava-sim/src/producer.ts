import type { Logger } from 'pino';
import { type SimClock, toEpochSeconds } from './clock.js';
import type { PlannedEvent } from './model/activity-events.js';
import { rawInt, stringifyWithRawInts } from './raw-json.js';
import { appendBounded, type EventRecord, type SimState, type WebhookEvent } from './state.js';

/** How the producer misbehaves; the defaults are Strava's documented delivery contract. */
export type ProducerSettings = {
  /** Pause between attempts. Strava's spacing is undocumented; tests want it short. */
  retryDelayMs: number;
  /** Strava gives the callback two seconds to answer 200. */
  timeoutMs: number;
  /** "Up to a total of three attempts". */
  maxAttempts: number;
  /** Added before the first attempt of every event. */
  delayMs: number;
  /** Probability (0..1) that an event is delivered twice, as Strava sometimes does. */
  duplicateRate: number;
  /** How long after the original the duplicate is sent. */
  duplicateDelayMs: number;
  /** Probability (0..1) that an event is never sent (recorded as `dropped`). */
  dropRate: number;
  /** Buffer events for `reorderWindowMs`, then send each batch newest first. */
  reorder: boolean;
  reorderWindowMs: number;
};

export const DEFAULT_PRODUCER_SETTINGS: ProducerSettings = {
  retryDelayMs: 1000,
  timeoutMs: 2000,
  maxAttempts: 3,
  delayMs: 0,
  duplicateRate: 0,
  duplicateDelayMs: 50,
  dropRate: 0,
  reorder: false,
  reorderWindowMs: 100,
};

export type PublishOverrides = { eventTime?: number | undefined; subscriptionId?: string | undefined };

export type Producer = {
  settings(): ProducerSettings;
  configure(patch: Partial<ProducerSettings>): ProducerSettings;
  /** Sends the event to the app's subscription; returns the records (none without subscription). */
  publish(planned: PlannedEvent, overrides?: PublishOverrides): EventRecord[];
  /** Resolves once every pending delivery, retries included, has finished. */
  flush(): Promise<void>;
  pendingCount(): number;
  /** Cancels pending deliveries and restores the initial settings. */
  reset(): Promise<void>;
  close(): Promise<void>;
};

export type ProducerDeps = {
  state: SimState;
  clock: SimClock;
  logger: Logger;
  random: () => number;
  settings: ProducerSettings;
};

function serializeEvent(event: WebhookEvent): string {
  return stringifyWithRawInts({
    object_type: event.object_type,
    object_id: rawInt(event.object_id),
    aspect_type: event.aspect_type,
    owner_id: rawInt(event.owner_id),
    subscription_id: rawInt(event.subscription_id),
    event_time: event.event_time,
    updates: event.updates,
  });
}

export function createProducer(deps: ProducerDeps): Producer {
  const { state, clock, logger, random } = deps;
  const initial = { ...deps.settings };
  let settings = { ...initial };
  const pending = new Set<Promise<void>>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let abort = new AbortController();
  let batch: EventRecord[] | null = null;

  function track(task: Promise<void>): void {
    const guarded = task.catch((err: unknown) => logger.error({ err }, 'sim producer task failed'));
    pending.add(guarded);
    void guarded.finally(() => pending.delete(guarded));
  }

  /** Real-time sleep that `reset`/`close` can cut short. */
  function sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });
  }

  async function attemptOnce(record: EventRecord): Promise<boolean> {
    const startedMs = Date.now();
    const at = clock.now().toISOString();
    const signal = AbortSignal.any([AbortSignal.timeout(settings.timeoutMs), abort.signal]);
    try {
      const res = await fetch(record.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: record.body,
        redirect: 'manual',
        signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      record.attempts.push({ at, status: res.status, error: null, durationMs: Date.now() - startedMs });
      logger.debug({ eventId: record.id, status: res.status }, 'sim webhook attempt');
      return res.status === 200;
    } catch (err) {
      const timedOut = signal.aborted && !abort.signal.aborted;
      const message = timedOut
        ? `no answer within ${settings.timeoutMs} ms`
        : String((err as Error).message ?? err);
      record.attempts.push({ at, status: null, error: message, durationMs: Date.now() - startedMs });
      logger.debug({ eventId: record.id, error: message }, 'sim webhook attempt failed');
      return false;
    }
  }

  async function deliver(record: EventRecord, firstAttemptDone: boolean): Promise<void> {
    const signal = abort.signal;
    for (let attempt = firstAttemptDone ? 2 : 1; attempt <= settings.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(settings.retryDelayMs);
      if (signal.aborted) {
        record.status = 'cancelled';
        return;
      }
      if (await attemptOnce(record)) {
        record.status = 'delivered';
        return;
      }
    }
    // Strava gives up silently after its last attempt; the event is lost.
    record.status = 'failed';
  }

  async function releaseBatch(records: EventRecord[]): Promise<void> {
    for (const record of records.reverse()) {
      if (abort.signal.aborted) {
        record.status = 'cancelled';
        continue;
      }
      if (await attemptOnce(record)) record.status = 'delivered';
      else track(deliver(record, true));
    }
  }

  function enqueueForReorder(record: EventRecord): void {
    if (!batch) {
      const current: EventRecord[] = [];
      batch = current;
      track(
        sleep(settings.reorderWindowMs).then(() => {
          if (batch === current) batch = null;
          return releaseBatch(current);
        }),
      );
    }
    batch.push(record);
  }

  function schedule(record: EventRecord, extraDelayMs: number): void {
    const signal = abort.signal;
    track(
      sleep(settings.delayMs + extraDelayMs).then(() => {
        if (signal.aborted) {
          record.status = 'cancelled';
          return;
        }
        if (settings.reorder) enqueueForReorder(record);
        else return deliver(record, false);
      }),
    );
  }

  function createRecord(
    event: WebhookEvent,
    clientId: string,
    callbackUrl: string,
    duplicateOf: number | null,
  ) {
    const record: EventRecord = {
      id: Number(state.ids.event.next()),
      clientId,
      callbackUrl,
      event,
      body: serializeEvent(event),
      status: 'pending',
      attempts: [],
      duplicateOf,
      createdAt: clock.now().toISOString(),
    };
    appendBounded(state.events, record, state.settings.eventLogLimit);
    return record;
  }

  async function cancelAll(): Promise<void> {
    abort.abort();
    for (const [timer, resolve] of timers) {
      clearTimeout(timer);
      resolve();
    }
    timers.clear();
    while (pending.size > 0) await Promise.allSettled([...pending]);
    batch = null;
    abort = new AbortController();
  }

  return {
    settings: () => ({ ...settings }),
    configure(patch) {
      settings = { ...settings, ...patch };
      return { ...settings };
    },
    publish(planned, overrides = {}) {
      const subscription = state.subscriptions.get(planned.clientId);
      if (!subscription) return [];
      const event: WebhookEvent = {
        ...planned.event,
        subscription_id: overrides.subscriptionId ?? subscription.id,
        event_time: overrides.eventTime ?? toEpochSeconds(clock.nowMs()),
      };
      const record = createRecord(event, planned.clientId, subscription.callbackUrl, null);
      if (random() < settings.dropRate) {
        record.status = 'dropped';
        return [record];
      }
      schedule(record, 0);
      if (random() < settings.duplicateRate) {
        const copy = createRecord(event, planned.clientId, subscription.callbackUrl, record.id);
        schedule(copy, settings.duplicateDelayMs);
        return [record, copy];
      }
      return [record];
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    pendingCount: () => pending.size,
    async reset() {
      await cancelAll();
      settings = { ...initial };
    },
    close: cancelAll,
  };
}
