import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createActivity } from '@rampguard/strava-sim';
import axios from 'axios';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectRunner } from '../../src/app/disconnect-runner.js';
import { runners } from '../../src/db/schema/index.js';
import {
  type FaultHarness,
  type HarnessRunner,
  startFaultHarness,
  waitFor,
} from '../helpers/fault-harness.js';
import { type Found, scanDirectory, scanPostgres, scanRedis } from '../helpers/trace-scan.js';

/**
 * docs/disconnect.md: a runner who leaves, by disconnecting here or by revoking
 * access on Strava, leaves nothing: no row in any table, no key or value in
 * Redis (job records, event streams, claims), no file under DATA_DIR (sandbox
 * mail). Every table, every Redis key and every file is searched for the
 * runner's ids, address and first name. Mail goes to files (no SMTP_URL), and
 * the app runs on a private redis-server, so "every key" means ours.
 */
describe('fault: disconnect and deauthorization leave nothing behind', () => {
  let h: FaultHarness;
  let leaver: HarnessRunner;
  let revoker: HarnessRunner;
  const names = { leaver: 'Ottoline', revoker: 'Wilhelmina' };

  const needlesOf = (r: HarnessRunner, firstname: string) => [r.runnerId, r.athleteId, r.email, firstname];
  const scanAll = async (needles: string[]): Promise<Found> => [
    ...(await scanPostgres(h.app.deps.db, needles)),
    ...(await scanRedis(h.redis.url, needles)),
    ...(await scanDirectory(h.app.deps.config.dataDir, needles)),
  ];
  const mailFiles = async () => readdir(path.join(h.app.deps.config.dataDir, 'outbox')).catch(() => []);

  /** A 30 km run after eight weeks of 8 km: a ramp, a raised plan, an alert email with name and address. */
  function rampRun(runner: HarnessRunner): void {
    createActivity(h.sim.simulator.context, {
      athleteId: runner.athleteId,
      name: 'Long one',
      sport_type: 'Run',
      distance: 30_000,
      moving_time: 10_000,
      start_date: new Date(Date.now() - 20 * 60_000).toISOString(),
      timezone: '(GMT+00:00) Europe/London',
    });
  }

  /** A deauthorization Strava does not confirm: a claim key in Redis, and a second one schedules a recheck job naming the runner. */
  async function forgeDeauthorization(runner: HarnessRunner, at: number): Promise<void> {
    await axios.post(`${h.app.url}/webhooks/strava`, {
      object_type: 'athlete',
      object_id: Number(runner.athleteId),
      aspect_type: 'update',
      owner_id: Number(runner.athleteId),
      subscription_id: Number(h.subscriptionId),
      event_time: at,
      updates: { authorized: 'false' },
    });
  }

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 2, env: { SMTP_URL: '' } });
    [leaver, revoker] = h.runners as [HarnessRunner, HarnessRunner];
    await h.app.deps.db
      .update(runners)
      .set({ firstname: names.leaver })
      .where(eq(runners.id, leaver.runnerId));
    await h.app.deps.db
      .update(runners)
      .set({ firstname: names.revoker })
      .where(eq(runners.id, revoker.runnerId));
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it('When a runner disconnects, then no table, Redis key or file names them; another runner keeps theirs', async () => {
    rampRun(leaver);
    rampRun(revoker);
    const base = Math.floor(Date.now() / 1000);
    await forgeDeauthorization(leaver, base);
    await waitFor(
      'the first deauthorization check',
      async () => (await h.drainState()).received === 0,
      30_000,
    );
    await forgeDeauthorization(leaver, base + 1);
    await waitFor('both alert emails written', async () => (await mailFiles()).length >= 2, 60_000);
    const drained = await h.drain(60_000);
    expect(drained, JSON.stringify(drained.state)).toMatchObject({ drained: true });

    // The scan finds the runner everywhere before: it would see a leak.
    const before = await scanAll(needlesOf(leaver, names.leaver));
    const places = new Set(before.map((f) => f.where.split(' ')[0]));
    expect([...places].sort()).toEqual(['file', 'postgres', 'redis']);
    expect(before.some((f) => f.where.startsWith('redis') && f.needle === leaver.runnerId)).toBe(true);
    expect(before.some((f) => f.where.startsWith('file') && f.needle === leaver.email)).toBe(true);

    const result = await disconnectRunner(h.app.deps, leaver.runnerId);
    expect(result).toEqual({ revocation: 'revoked' });
    // A job running at that moment removes its own record as it finishes.
    await waitFor(
      'no trace of the runner',
      async () => (await scanAll(needlesOf(leaver, names.leaver))).length === 0,
      20_000,
    ).catch(() => undefined);
    expect(await scanAll(needlesOf(leaver, names.leaver))).toEqual([]);
    // Targeted: the other runner's rows and mail are untouched.
    expect((await scanAll(needlesOf(revoker, names.revoker))).length).toBeGreaterThan(0);
    expect((await scanDirectory(h.app.deps.config.dataDir, [revoker.email])).length).toBe(1);
  }, 150_000);

  it('When a runner revokes access on Strava, then no table, Redis key or file names them', async () => {
    await h.simControl.revokeAccess(revoker.athleteId);
    await waitFor(
      'the verified deauthorization',
      async () =>
        (await h.app.deps.db.select().from(runners).where(eq(runners.id, revoker.runnerId))).length === 0,
      60_000,
    );
    await waitFor(
      'no trace of the runner',
      async () => (await scanAll(needlesOf(revoker, names.revoker))).length === 0,
      20_000,
    ).catch(() => undefined);
    expect(await scanAll(needlesOf(revoker, names.revoker))).toEqual([]);
  }, 90_000);
});
