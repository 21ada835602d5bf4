/**
 * Group commit: concurrent callers share a statement, and each resolves only
 * once its own item has been written. Up to `maxInFlight()` statements run at
 * once; items arriving while all of them are busy wait for the next one, up to
 * `maxBatch` items each. At low load every item is its own statement at once
 * (no timer, no added latency, `writeOne`); under load one statement (and one
 * round trip) covers many items (`writeBatch`). A failed statement fails every
 * item in it. An item still queued past its `deadlineMs` is dropped with an
 * error: its caller has given up, so it must not be written.
 */
export type GroupCommitOptions<I, O> = {
  /** Names the write in errors, e.g. 'inbox write'. */
  label: string;
  maxBatch: number;
  /** Read at each drain: statements allowed at once. */
  maxInFlight(): number;
  deadlineMs: number;
  /** Milliseconds, for the queue deadline. */
  now(): number;
  writeOne(item: I): Promise<O>;
  /** One result per item, in input order; a missing one fails its item. */
  writeBatch(items: readonly I[]): Promise<readonly (O | undefined)[]>;
};

export type GroupCommit<I, O> = { submit(item: I): Promise<O> };

type Pending<I, O> = {
  item: I;
  expiresAt: number;
  resolve(result: O): void;
  reject(err: unknown): void;
};

export function createGroupCommit<I, O>(options: GroupCommitOptions<I, O>): GroupCommit<I, O> {
  let queue: Pending<I, O>[] = [];
  let inFlight = 0;

  function drain(): void {
    while (inFlight < options.maxInFlight() && queue.length > 0) {
      // While the database is stuck, items whose callers gave up are dropped, not queued without bound.
      const now = options.now();
      const live = queue.filter((p) => p.expiresAt > now);
      for (const p of queue)
        if (p.expiresAt <= now) p.reject(new Error(`${options.label} expired in the queue`));
      const batch = live.splice(0, options.maxBatch);
      queue = live;
      if (batch.length === 0) break;
      inFlight++;
      const only = batch.length === 1 ? batch[0] : undefined;
      (only
        ? options.writeOne(only.item).then((result) => [result])
        : options.writeBatch(batch.map((p) => p.item))
      )
        .then(
          (results) => {
            for (const [i, p] of batch.entries()) {
              const result = results[i];
              if (result) p.resolve(result);
              else p.reject(new Error(`${options.label} returned no result`));
            }
          },
          (err: unknown) => {
            for (const p of batch) p.reject(err);
          },
        )
        .finally(() => {
          inFlight--;
          drain();
        });
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, expiresAt: options.now() + options.deadlineMs, resolve, reject });
        drain();
      });
    },
  };
}
