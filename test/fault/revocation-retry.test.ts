import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectRunner } from '../../src/app/disconnect-runner.js';
import { sweepRevocations } from '../../src/app/revocation/sweep-revocations.js';
import { selectRows } from '../../src/db/client.js';
import {
  createOffsetClock,
  type FaultHarness,
  startFaultHarness,
  waitFor,
} from '../helpers/fault-harness.js';
import { scanPostgres } from '../helpers/trace-scan.js';

type RevocationRow = { id: string; attempts: number; last_error: string | null; next_attempt_at: Date };

const HOUR = 3_600_000;

/**
 * docs/disconnect.md#revocation: a disconnect that cannot reach Strava deletes the runner's
 * data at once and keeps only the grant's tokens (encrypted, naming no one) to revoke later.
 * The revocation job retries with backoff for 48 hours: here Strava refuses the revocation at
 * the disconnect and at the next attempt, then accepts it, a day later, inside the window; a
 * grant that stays unrevocable is deleted when the window closes. Time is moved with an
 * offset clock; each due attempt runs through the sweep and the real queue.
 */
describe('fault: a revocation Strava refuses is retried for 48 hours', () => {
  const clock = createOffsetClock();
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 2, clock });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  const pending = () =>
    selectRows<RevocationRow>(
      h.app.deps.db,
      sql`select id, attempts, last_error, next_attempt_at from strava_revocations order by created_at`,
    );
  const grantsAtStrava = async (athleteId: string) =>
    (await h.simControl.getAthlete(athleteId)).authorizations.length;
  /** Moves the clock to the next attempt and lets the sweep hand it to the workers. */
  async function runNextAttempt(row: RevocationRow, extraMs = 0): Promise<void> {
    clock.jumpTo(new Date(new Date(row.next_attempt_at).getTime() + 1_000 + extraMs));
    await sweepRevocations(h.app.deps);
  }

  it('When the revocation fails at disconnect and once more, then a later attempt inside the window revokes the grant', async () => {
    const [runner] = h.runners;
    if (!runner) throw new Error('no runner');
    const refusal = await h.simControl.addFault({
      path: '/oauth/deauthorize',
      errorRate: 1,
      errorStatus: 503,
    });

    expect(await disconnectRunner(h.app.deps, runner.runnerId)).toEqual({ revocation: 'pending' });
    // Everything about the runner is gone at once; the grant is still alive at Strava.
    expect(await scanPostgres(h.app.deps.db, [runner.runnerId, runner.athleteId, runner.email])).toEqual([]);
    expect(await grantsAtStrava(runner.athleteId)).toBe(1);
    const [first] = await pending();
    expect(first).toMatchObject({ attempts: 1 });

    // Second attempt: Strava still refuses; the failure is recorded by code only.
    await runNextAttempt(first!);
    await waitFor('the second attempt', async () => (await pending())[0]?.attempts === 2, 30_000);
    const [second] = await pending();
    expect(second!.last_error).toMatch(/^strava_unavailable/);
    expect(new Date(second!.next_attempt_at).getTime()).toBeGreaterThan(clock.now().getTime());
    expect(await grantsAtStrava(runner.athleteId)).toBe(1);

    // A day later Strava answers: the next attempt refreshes the expired token and revokes the grant.
    await h.simControl.removeFault(refusal.id);
    await runNextAttempt(second!, 24 * HOUR);
    await waitFor('the grant revoked', async () => (await grantsAtStrava(runner.athleteId)) === 0, 30_000);
    await waitFor('the tokens deleted', async () => (await pending()).length === 0, 10_000);
  }, 120_000);

  it('When Strava refuses for the whole 48 hours, then the kept tokens are deleted unrevoked', async () => {
    const [, runner] = h.runners;
    if (!runner) throw new Error('no runner');
    const refusal = await h.simControl.addFault({
      path: '/oauth/deauthorize',
      errorRate: 1,
      errorStatus: 503,
    });
    try {
      expect(await disconnectRunner(h.app.deps, runner.runnerId)).toEqual({ revocation: 'pending' });
      const [row] = await pending();
      clock.jumpTo(new Date(clock.now().getTime() + 49 * HOUR));
      await sweepRevocations(h.app.deps);
      await waitFor('the tokens deleted', async () => (await pending()).length === 0, 30_000);
      expect(row).toBeDefined();
      expect(h.logs.text()).toMatch(/gave up revoking a Strava grant after 48 h/);
      // Nothing could revoke it: the runner was told how to do it on strava.com.
      expect(await grantsAtStrava(runner.athleteId)).toBe(1);
    } finally {
      await h.simControl.removeFault(refusal.id);
    }
  }, 120_000);
});
