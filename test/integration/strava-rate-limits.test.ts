import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deferForRateLimit } from '../../src/integrations/strava/defer.js';
import { StravaRateLimitError } from '../../src/integrations/strava/errors.js';
import { windowBounds } from '../../src/integrations/strava/rate-windows.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

let database: TestDatabase;
const contexts: TestContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const ctx of contexts) await ctx.close();
  await database?.drop();
});

/** Each context has its own simulator (own usage counters) and its own Redis prefix. */
async function context(options: Parameters<typeof createTestContext>[0] = {}) {
  const ctx = await createTestContext({ database, ...options });
  contexts.push(ctx);
  return ctx;
}

const apiRequests = async (ctx: TestContext) => (await ctx.simControl.listRequests('/api/v3/')).length;

async function rejection(promise: Promise<unknown>): Promise<StravaRateLimitError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StravaRateLimitError);
  return err as StravaRateLimitError;
}

describe('Strava rate limits', () => {
  it('after a 429, nothing is sent inside the window, from any process sharing Redis', async () => {
    const ctx = await context();
    const { runnerId } = await connectRunner(ctx);
    await ctx.simControl.addFault({ path: '/api/v3/**', rateLimited: true, durationSeconds: 30 });
    await ctx.simControl.clearRequests();

    const first = await rejection(ctx.deps.strava.listActivities(runnerId));
    expect(first.source).toBe('strava');
    expect(first.window).toBe('15min');
    expect(first.retryable).toBe(true);
    expect(first.retryAt.getTime()).toBe(windowBounds('15min', new Date()).endMs);
    expect(first.retryAt.getUTCMinutes() % 15).toBe(0);

    // Thirty more calls from this process and from a second one: none reaches Strava.
    const other = ctx.createClient();
    for (let i = 0; i < 15; i++) {
      await rejection(ctx.deps.strava.listActivities(runnerId));
      await rejection(other.getAthlete(runnerId));
    }
    expect(await apiRequests(ctx)).toBe(1);
    const counted = await ctx.deps.metrics.stravaCalls.get();
    expect(counted.values.find((v) => v.labels.status === '429')?.labels.endpoint).toBe(
      'GET /athlete/activities',
    );
  });

  it('a 429 with the daily count spent blocks until UTC midnight', async () => {
    const ctx = await context({ sim: { limits: { readDaily: 2 } } });
    const { runnerId } = await connectRunner(ctx);
    // Another deployment of the same app (its own Redis prefix, no reserve) spends the day...
    const elsewhere = ctx.createClient({
      queuePrefix: `${ctx.deps.config.queuePrefix}-b`,
      reserveFraction: 0,
    });
    await elsewhere.listActivities(runnerId);
    await elsewhere.listActivities(runnerId);
    // ...so our governor knows nothing, sends, and Strava answers 429 with the daily usage spent.
    const err = await rejection(ctx.deps.strava.listActivities(runnerId));
    expect(err.source).toBe('strava');
    expect(err.window).toBe('daily');
    expect(err.retryAt.getTime()).toBe(windowBounds('daily', new Date()).endMs);
    expect(err.retryAt.toISOString()).toMatch(/T00:00:00\.000Z$/);
  });

  it('the governor keeps a reserve: it stops before Strava would answer 429', async () => {
    const ctx = await context({ sim: { limits: { readFifteenMin: 10 } } });
    const { runnerId } = await connectRunner(ctx); // the code exchange is OAuth: not counted as a read
    await ctx.simControl.clearRequests();

    let refused: StravaRateLimitError | undefined;
    let sent = 0;
    for (let i = 0; i < 20 && !refused; i++) {
      try {
        await ctx.deps.strava.listActivities(runnerId);
        sent++;
      } catch (err) {
        if (!(err instanceof StravaRateLimitError)) throw err;
        refused = err;
      }
    }
    expect(refused?.source).toBe('governor');
    // Limit 10, reserve max(2, 5%) = 2: eight calls go out, then the governor says no.
    expect(sent).toBe(8);
    const statuses = (await ctx.simControl.listRequests('/api/v3/')).map((r) => r.status);
    expect(statuses).toEqual(Array(8).fill(200));
  });

  it('concurrent callers cannot overshoot together once the limits are known', async () => {
    const ctx = await context({ sim: { limits: { readFifteenMin: 20 } } });
    const { runnerId } = await connectRunner(ctx);
    await ctx.deps.strava.getAthlete(runnerId); // learns the limits
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => ctx.deps.strava.listActivities(runnerId)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    // Limit 20, reserve 2: 18 calls in the window, one of which was the warm-up.
    expect(ok).toBe(17);
    const statuses = (await ctx.simControl.listRequests('/api/v3/')).map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect(statuses).toHaveLength(18);
  });

  it('deferForRateLimit pauses the queue until the window resets and throws BullMQ RateLimitError', async () => {
    const ctx = await context();
    const retryAt = new Date(Date.now() + 90_000);
    const rateLimitQueue = vi.fn(async (_ms: number) => undefined);
    const err = await deferForRateLimit(new StravaRateLimitError(retryAt, '15min', 'strava'), {
      deps: ctx.deps,
      rateLimitQueue,
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('RateLimitError');
    const ms = rateLimitQueue.mock.calls[0]?.[0] ?? 0;
    expect(ms).toBeGreaterThan(85_000);
    expect(ms).toBeLessThanOrEqual(90_000);
  });

  it('without Redis the governor lets calls through and says so once', async () => {
    const capture = createCapturingLogger('warn');
    const ctx = await context({ logger: capture.logger });
    const { runnerId } = await connectRunner(ctx);
    ctx.deps.redis.disconnect(); // producer connection: commands now fail fast
    try {
      for (let i = 0; i < 3; i++) await ctx.deps.strava.listActivities(runnerId);
    } finally {
      await ctx.deps.redis.connect();
    }
    const warnings = capture.lines.filter((l) => l.includes('Redis unavailable'));
    expect(warnings).toHaveLength(1);
  });
});
