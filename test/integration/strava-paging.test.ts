import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRunner } from '../../src/app/analysis/analyze-runner.js';
import { webhookInbox } from '../../src/db/schema/index.js';
import { connectRunner, createTestContext, type TestContext } from '../helpers/strava.js';

/**
 * The paging rules end to end (docs/strava.md, "Paging the activity list"): what an analysis
 * costs in list calls, for a token without activity:read_all, after events and without.
 */
describe('paging the activity list without activity:read_all', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const listCalls = async () => (await ctx.simControl.listRequests('/api/v3/athlete/activities')).length;
  async function record(runnerId: string, athleteId: string, objectId: string, aspectType: string) {
    await ctx.deps.db.insert(webhookInbox).values({
      eventKey: `ev-${randomUUID()}`,
      runnerId,
      objectType: 'activity',
      objectId,
      aspectType,
      ownerId: athleteId,
      subscriptionId: '1',
      eventTime: new Date(),
      updates: {},
      status: 'done',
    });
  }
  async function listCallsOf(runnerId: string) {
    const before = await listCalls();
    const result = await analyzeRunner(ctx.deps, runnerId);
    expect(result.outcome).toBe('done');
    return (await listCalls()) - before;
  }

  it('one call after an event, the empty page otherwise, and never a run missed', async () => {
    const { runnerId, athleteId } = await connectRunner(ctx, {
      scopes: ['read', 'activity:read', 'profile:read_all'],
    });
    const day = 86_400_000;
    const run = (daysAgo: number, isPrivate = false) =>
      ctx.simControl.createActivity({
        athleteId,
        sport_type: 'Run',
        distance: 5_000,
        moving_time: 1_800,
        private: isPrivate,
        start_date: new Date(Date.now() - daysAgo * day).toISOString(),
      });
    for (const daysAgo of [20, 15, 10]) await run(daysAgo);
    await run(12, true); // Only You: this token never sees it

    // The first read pages to the empty page: nothing is known yet.
    expect(await listCallsOf(runnerId)).toBe(2);

    // A new run and its event: the short first page holds it and every cached run.
    const created = await run(1);
    await record(runnerId, athleteId, created.activity.id, 'create');
    expect(await listCallsOf(runnerId)).toBe(1);
    const cached = await ctx.deps.db.query.runs.findMany({ where: (r, { eq }) => eq(r.runnerId, runnerId) });
    expect(cached.map((r) => r.activityId)).toContain(created.activity.id);
    expect(cached).toHaveLength(4);

    // An event naming an activity the list cannot show: the read goes on to the empty page.
    await record(runnerId, athleteId, '999999999', 'create');
    expect(await listCallsOf(runnerId)).toBe(2);
  });
});
