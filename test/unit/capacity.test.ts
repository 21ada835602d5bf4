import { describe, expect, it } from 'vitest';
import { MAX_INBOX_WRITERS, WEB_PAGE_CONNECTIONS } from '../../src/app/web-connections.js';
import { planCapacity } from '../../src/jobs/capacity.js';
import { QUEUE_CONCURRENCY, QUEUE_NAMES } from '../../src/jobs/queue-names.js';

const jobs = QUEUE_NAMES.reduce((n, q) => n + QUEUE_CONCURRENCY[q], 0);
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

describe('pool size and job concurrency, derived from each other (docs/capacity.md)', () => {
  it('By default every concurrent job and the web share have a connection', () => {
    expect(planCapacity({ role: 'web', databasePoolSize: undefined }).poolSize).toBe(
      MAX_INBOX_WRITERS + WEB_PAGE_CONNECTIONS,
    );
    const worker = planCapacity({ role: 'worker', databasePoolSize: undefined });
    expect(worker.poolSize).toBe(jobs + 1);
    expect(worker.concurrency).toEqual(QUEUE_CONCURRENCY);
    expect(planCapacity({ role: 'all', databasePoolSize: undefined }).poolSize).toBe(
      MAX_INBOX_WRITERS + WEB_PAGE_CONNECTIONS + jobs + 1,
    );
  });

  it.each([2, 5, 8, 12, 20])('A pool of %i never runs more jobs than it has connections for', (size) => {
    for (const role of ['worker', 'all'] as const) {
      const plan = planCapacity({ role, databasePoolSize: size });
      expect(plan.poolSize).toBe(size);
      for (const q of QUEUE_NAMES) expect(plan.concurrency[q]).toBeGreaterThanOrEqual(1);
      // At least one per queue, otherwise within the pool.
      expect(total(plan.concurrency)).toBeLessThanOrEqual(Math.max(QUEUE_NAMES.length, size));
    }
  });

  it('A larger pool than needed keeps the default concurrency', () => {
    expect(planCapacity({ role: 'all', databasePoolSize: 100 }).concurrency).toEqual(QUEUE_CONCURRENCY);
  });
});
