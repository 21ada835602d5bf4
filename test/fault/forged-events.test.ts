import axios from 'axios';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runners, runs } from '../../src/db/schema/index.js';
import { type FaultHarness, startFaultHarness } from '../helpers/fault-harness.js';

/**
 * docs/strava-quota.md: 40 forged deauthorizations and 40 forged creates for
 * one connected athlete, posted within a few seconds, are all answered 200,
 * delete nothing, and cost one deauthorization check plus one list call per
 * analysis: the first event starts one at once and the rest wait for the single
 * follow-up (docs/analysis-latency.md), so 2 or 3 calls.
 */
describe('fault: a burst of forged events for one athlete', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 1 });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('costs at most 2 Strava calls and deletes nothing', async () => {
    const [runner] = h.runners;
    if (!runner) throw new Error('no runner');
    const { athleteId, runnerId } = runner;
    const runsBefore = (await h.app.deps.db.select().from(runs).where(eq(runs.runnerId, runnerId))).length;
    await h.simControl.clearRequests();
    const base = Math.floor(Date.now() / 1000);
    const bodies = Array.from({ length: 40 }, (_, i) => [
      {
        object_type: 'athlete',
        object_id: Number(athleteId),
        aspect_type: 'update',
        owner_id: Number(athleteId),
        subscription_id: Number(h.subscriptionId),
        event_time: base + i,
        updates: { authorized: 'false' },
      },
      {
        object_type: 'activity',
        object_id: 9_000_000 + i,
        aspect_type: 'create',
        owner_id: Number(athleteId),
        subscription_id: Number(h.subscriptionId),
        event_time: base + i,
        updates: {},
      },
    ]).flat();
    const statuses = await Promise.all(
      bodies.map(async (body) => (await axios.post(`${h.app.url}/webhooks/strava`, body)).status),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const drained = await h.drain(60_000);
    expect(drained.drained).toBe(true);

    const calls = h.sim.simulator.state.requests.filter((r) => r.athleteId === athleteId);
    const described = calls.map((c) => `${c.method} ${c.path}`).join(', ');
    // The one deauthorization check must have happened; everything else was answered for free.
    expect(
      calls.filter((c) => c.path === '/api/v3/athlete'),
      described,
    ).toHaveLength(1);
    // One list call per analysis: the first event's analysis, plus at most the single follow-up
    // that gathers every event arriving while it is running or due.
    const lists = calls.filter((c) => c.path === '/api/v3/athlete/activities');
    expect(lists.length, described).toBeGreaterThanOrEqual(1);
    expect(lists.length, described).toBeLessThanOrEqual(2);
    expect(calls.length - lists.length - 1, described).toBe(0);
    const [row] = await h.app.deps.db.select().from(runners).where(eq(runners.id, runnerId));
    expect(row?.disconnectedAt).toBeNull();
    const runsAfter = (await h.app.deps.db.select().from(runs).where(eq(runs.runnerId, runnerId))).length;
    expect(runsAfter).toBe(runsBefore);
  });
});
