import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPendingGrant, savePendingRevocation } from '../../src/app/revocation/pending-revocations.js';
import { keyIdOf, loadConfig } from '../../src/config.js';
import { openMemoryPglite } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { runners, stravaRevocations, stravaTokens } from '../../src/db/schema/index.js';
import { createStravaClient } from '../../src/integrations/strava/client.js';
import { StravaAuthError } from '../../src/integrations/strava/errors.js';
import { rotateTokenKeys } from '../../src/integrations/strava/rotate-token-keys.js';
import { createJobQueue } from '../../src/jobs/job-queue.js';
import type { ProcessDeps } from '../../src/jobs/process-deps.js';
import { createQueues } from '../../src/jobs/queues.js';
import { systemClock } from '../../src/shared/clock.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { silentLogger } from '../helpers/logger.js';
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

// Generous limits: these tests are about tokens, not the rate budget (strava-rate-limits.test.ts).
const LIMITS = { readFifteenMin: 1_000, readDaily: 10_000, overallFifteenMin: 2_000, overallDaily: 20_000 };

async function context(options: Parameters<typeof createTestContext>[0] = {}) {
  const ctx = await createTestContext({ database, sim: { limits: LIMITS }, ...options });
  contexts.push(ctx);
  return ctx;
}

async function tokenRow(ctx: TestContext, runnerId: string) {
  const [row] = await ctx.deps.db.select().from(stravaTokens).where(eq(stravaTokens.runnerId, runnerId));
  if (!row) throw new Error('no token row');
  return row;
}

async function expireStoredToken(ctx: TestContext, runnerId: string, athleteId: string) {
  await ctx.simControl.expireTokens(athleteId);
  await ctx.deps.db
    .update(stravaTokens)
    .set({ expiresAt: new Date(Date.now() - 60_000) })
    .where(eq(stravaTokens.runnerId, runnerId));
}

const tokenCalls = async (ctx: TestContext) => (await ctx.simControl.listRequests('/oauth/token')).length;

describe('Strava tokens', () => {
  it('exchanges a code, stores the tokens encrypted (athlete id as AAD), and reads them back', async () => {
    const ctx = await context();
    const { runnerId, athleteId, authorization } = await connectRunner(ctx, { firstname: 'Grace' });
    expect(authorization.athlete).toMatchObject({ id: athleteId, firstname: 'Grace', units: 'metric' });
    expect(authorization.expiresAt.getTime()).toBeGreaterThan(Date.now() + 5 * 3_600_000);

    const row = await tokenRow(ctx, runnerId);
    expect(row.accessTokenEnc).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(row.keyId).toBe(ctx.deps.config.tokenKeyId);
    expect(row.accessTokenEnc).not.toContain(authorization.accessToken);
    expect(row.refreshTokenEnc).not.toContain(authorization.refreshToken);
    const client = ctx.deps.strava;
    const athlete = await client.getAthlete(runnerId);
    expect(athlete.id).toBe(athleteId);
  });

  it('refreshes an expired token, persists the rotation, and the old refresh token is dead', async () => {
    const ctx = await context();
    const { runnerId, athleteId, authorization } = await connectRunner(ctx);
    await expireStoredToken(ctx, runnerId, athleteId);
    const before = await tokenCalls(ctx);

    await ctx.deps.strava.listActivities(runnerId);
    expect((await tokenCalls(ctx)) - before).toBe(1);

    const row = await tokenRow(ctx, runnerId);
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 5 * 3_600_000);
    // Strava invalidates the previous refresh token at once: using it now is refused.
    const stale = await fetch(`${ctx.sim.oauthUrl}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: ctx.deps.config.strava.clientId,
        client_secret: ctx.deps.config.strava.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: authorization.refreshToken,
      }),
    });
    expect(stale.status).toBe(400);
    // The rotated one was stored: the next refresh works and does not disconnect anyone.
    await expireStoredToken(ctx, runnerId, athleteId);
    await ctx.deps.strava.getAthlete(runnerId);
    const [runner] = await ctx.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    expect(runner?.disconnectedAt).toBeNull();
  });

  it('50 concurrent calls with an expired token make exactly one /oauth/token call', async () => {
    const ctx = await context();
    const { runnerId, athleteId } = await connectRunner(ctx);
    await expireStoredToken(ctx, runnerId, athleteId);
    await ctx.simControl.clearRequests();

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => ctx.deps.strava.listActivities(runnerId)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await tokenCalls(ctx)).toBe(1);
    const api = await ctx.simControl.listRequests('/api/v3/athlete/activities');
    expect(api).toHaveLength(50);
    expect(api.every((r) => r.status === 200)).toBe(true);
  });

  it('two "processes" (separate clients, 25 calls each) still refresh once: the refresh lease serializes them', async () => {
    const ctx = await context();
    const { runnerId, athleteId } = await connectRunner(ctx);
    await expireStoredToken(ctx, runnerId, athleteId);
    await ctx.simControl.clearRequests();
    const [a, b] = [ctx.createClient(), ctx.createClient()];

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).listActivities(runnerId)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await tokenCalls(ctx)).toBe(1);
  });

  it('While Strava is slow to answer the refresh, no transaction is open and the token row is not locked', async () => {
    const ctx = await context();
    const { runnerId, athleteId } = await connectRunner(ctx);
    await expireStoredToken(ctx, runnerId, athleteId);
    const [a, b] = [ctx.createClient(), ctx.createClient()];
    await ctx.simControl.addFault({ path: '/oauth/token', method: 'POST', latencyMs: 2_500, count: 1 });
    await ctx.simControl.clearRequests();

    const first = a.listActivities(runnerId);
    // The refresh is in flight once its lease is taken (docs/strava.md#token-refresh).
    await eventually(
      async () => expect((await tokenRow(ctx, runnerId)).refreshLeaseUntil).toBeInstanceOf(Date),
      5_000,
      20,
    );
    // Another "process" asking meanwhile waits for the lease instead of refreshing too.
    const second = b.listActivities(runnerId);
    const admin = new pg.Client({ connectionString: ctx.database.url });
    await admin.connect();
    try {
      // While Strava takes 2.5 s, the row is free: NOWAIT takes it. The waiting "process" checks
      // the lease in short transactions of its own, so one probe may meet such a check; a lock
      // held across the call would fail every probe.
      const probes: string[] = [];
      for (let i = 0; i < 10 && probes.at(-1) !== 'free'; i++) {
        await admin.query('begin');
        try {
          await admin.query('select 1 from strava_tokens where runner_id = $1 for update nowait', [runnerId]);
          probes.push('free');
        } catch {
          probes.push('locked');
        }
        await admin.query('rollback');
        const open = await admin.query(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()",
        );
        if (open.rows[0].n > 0) probes.push('idle in transaction');
        if (probes.at(-1) !== 'free') await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(probes.at(-1)).toBe('free');
    } finally {
      await admin.end();
      await Promise.allSettled([first, second]);
    }
    const results = await Promise.allSettled([first, second]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await tokenCalls(ctx)).toBe(1);
    expect((await tokenRow(ctx, runnerId)).refreshLeaseUntil).toBeNull();
  });

  it('50 concurrent 401s for a token Strava expired early cause one forced refresh, then succeed', async () => {
    const ctx = await context();
    const { runnerId, athleteId } = await connectRunner(ctx);
    await ctx.simControl.expireTokens(athleteId); // our row still says hours remain
    await ctx.simControl.clearRequests();

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => ctx.deps.strava.listActivities(runnerId)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await tokenCalls(ctx)).toBe(1);
    const statuses = (await ctx.simControl.listRequests('/api/v3/athlete/activities')).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(50);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
  });

  it('after revocation: a 401, a refused refresh, then the runner is marked disconnected (permanent error)', async () => {
    const ctx = await context();
    const { runnerId, athleteId } = await connectRunner(ctx);
    expect(await ctx.deps.strava.verifyAuthorization(runnerId)).toBe('authorized');
    await ctx.simControl.revokeAccess(athleteId);

    const err = await ctx.deps.strava.listActivities(runnerId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StravaAuthError);
    expect((err as StravaAuthError).retryable).toBe(false);
    const [runner] = await ctx.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    expect(runner?.disconnectedAt).toBeInstanceOf(Date);
    expect(await ctx.deps.strava.verifyAuthorization(runnerId)).toBe('revoked');
    // Disconnected runners cost no further Strava calls.
    await ctx.simControl.clearRequests();
    await expect(ctx.deps.strava.getAthlete(runnerId)).rejects.toBeInstanceOf(StravaAuthError);
    expect(await ctx.simControl.listRequests()).toEqual([]);
  });

  it('verifyAuthorization confirms a real revocation and refuses a forged one', async () => {
    const ctx = await context();
    const a = await connectRunner(ctx, { firstname: 'Real' });
    const b = await connectRunner(ctx, { firstname: 'Forged' });
    await ctx.simControl.revokeAccess(a.athleteId);
    expect(await ctx.deps.strava.verifyAuthorization(a.runnerId)).toBe('revoked');
    expect(await ctx.deps.strava.verifyAuthorization(b.runnerId)).toBe('authorized');
  });

  it('deauthorize revokes at Strava and is a no-op the second time', async () => {
    const ctx = await context();
    const { runnerId } = await connectRunner(ctx);
    await ctx.deps.strava.deauthorize(runnerId);
    expect((await ctx.simControl.listRequests('/oauth/deauthorize')).map((r) => r.status)).toEqual([200]);
    expect(await ctx.deps.strava.verifyAuthorization(runnerId)).toBe('revoked');
    await expect(ctx.deps.strava.deauthorize(runnerId)).resolves.toBeUndefined();
  });

  it('rotates every token row to a new key; the old key can then go', async () => {
    // Its own database: rows written by other contexts are under other (random) keys.
    const ctx = await createTestContext();
    contexts.push(ctx);
    const runnersBefore = [await connectRunner(ctx), await connectRunner(ctx)];
    // A grant kept for a revocation still being retried (docs/disconnect.md#revocation) rotates too.
    const kept = { accessToken: 'kept-access', refreshToken: 'kept-refresh', expiresAt: new Date() };
    const pending = await ctx.deps.db.transaction((tx) =>
      savePendingRevocation(tx, ctx.deps.config, kept, new Date()),
    );
    const oldKey = ctx.deps.config.tokenEncryptionKey;
    const newKey = randomBytes(32);
    const rotatedConfig = loadConfig(
      testEnv({
        DATABASE_URL: ctx.database.url,
        TOKEN_ENCRYPTION_KEY: newKey.toString('base64'),
        TOKEN_ENCRYPTION_KEYS_OLD: oldKey.toString('base64'),
      }),
    );
    const all = await ctx.deps.db.select({ id: stravaTokens.runnerId }).from(stravaTokens);
    const report = await rotateTokenKeys({ db: ctx.deps.db, config: rotatedConfig, clock: systemClock });
    expect(report).toEqual({ rotated: all.length + 1, failed: [] });
    const [revocation] = await ctx.deps.db.select().from(stravaRevocations);
    expect(revocation?.keyId).toBe(keyIdOf(newKey));
    expect(readPendingGrant({ ...rotatedConfig, oldTokenKeys: [] }, revocation!)).toMatchObject({
      accessToken: 'kept-access',
      refreshToken: 'kept-refresh',
    });
    expect(revocation?.id).toBe(pending.id);
    expect(await rotateTokenKeys({ db: ctx.deps.db, config: rotatedConfig, clock: systemClock })).toEqual({
      rotated: 0,
      failed: [],
    });
    for (const { runnerId } of runnersBefore) {
      expect((await tokenRow(ctx, runnerId)).keyId).toBe(keyIdOf(newKey));
    }
    // A client holding only the new key reads every row.
    const onlyNew = createStravaClient({
      ...ctx.deps,
      config: { ...rotatedConfig, strava: ctx.deps.config.strava },
    });
    for (const { runnerId, athleteId } of runnersBefore) {
      expect((await onlyNew.getAthlete(runnerId)).id).toBe(athleteId);
    }
    // Rotating without the old key reports the rows it cannot read instead of corrupting them.
    const lost = loadConfig(testEnv({ DATABASE_URL: ctx.database.url }));
    const failed = await rotateTokenKeys({ db: ctx.deps.db, config: lost, clock: systemClock });
    expect(failed.rotated).toBe(0);
    expect(failed.failed.sort()).toEqual(
      [...runnersBefore.map((r) => r.runnerId), `revocation ${pending.id}`].sort(),
    );
  });
});

describe('Strava tokens on PGlite (one connection: transactions serialize)', () => {
  it('50 concurrent calls with an expired token still make exactly one /oauth/token call', async () => {
    const ctx = await context();
    const pglite = openMemoryPglite();
    await migrateDatabase(pglite);
    const queues = createQueues(ctx.deps.redis, ctx.deps.config.queuePrefix, silentLogger);
    const base = { ...ctx.deps, database: pglite, db: pglite.db, queues };
    const deps: ProcessDeps = { ...base, jobs: createJobQueue(base) };
    const strava = createStravaClient(deps);
    const pgliteCtx = { ...ctx, deps: { ...deps, strava } };
    try {
      const { runnerId, athleteId } = await connectRunner(pgliteCtx);
      await expireStoredToken(pgliteCtx, runnerId, athleteId);
      await ctx.simControl.clearRequests();
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => strava.listActivities(runnerId)),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await tokenCalls(ctx)).toBe(1);
    } finally {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await pglite.close();
    }
  }, 120_000); // PGlite's WASM start and migrations alone take 5-20 s on a busy machine
});

describe('a token refused again right after a refresh', () => {
  let server: Server;
  let url: string;
  const calls = { token: 0, api: 0 };

  beforeAll(async () => {
    // A minimal stand-in for Strava where refresh works but the API answers 401 to every token.
    const app = express();
    app.post('/oauth/token', (_req, res) => {
      calls.token++;
      res.json({
        access_token: `at-${calls.token}`,
        refresh_token: `rt-${calls.token}`,
        expires_at: 4_102_444_800,
      });
    });
    app.get('/api/v3/athlete', (_req, res) => {
      calls.api++;
      res.status(401).json({
        message: 'Authorization Error',
        errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }],
      });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('retries once, then marks the runner disconnected and throws StravaAuthError', async () => {
    const ctx = await context();
    const config = {
      ...ctx.deps.config,
      strava: { ...ctx.deps.config.strava, apiUrl: `${url}/api/v3`, oauthUrl: `${url}/oauth` },
    };
    const strava = createStravaClient({ ...ctx.deps, config, metrics: createMetrics() });
    const [runner] = await ctx.deps.db.insert(runners).values({ athleteId: '777000777' }).returning();
    if (!runner) throw new Error('no runner');
    await strava.saveTokens(ctx.deps.db, runner.id, runner.athleteId, {
      accessToken: 'at-0',
      refreshToken: 'rt-0',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await expect(strava.getAthlete(runner.id)).rejects.toBeInstanceOf(StravaAuthError);
    expect(calls).toEqual({ token: 1, api: 2 });
    const [after] = await ctx.deps.db.select().from(runners).where(eq(runners.id, runner.id));
    expect(after?.disconnectedAt).toBeInstanceOf(Date);
  });
});
