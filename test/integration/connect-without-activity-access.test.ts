import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runners } from '../../src/db/schema/index.js';
import { scopedJobId } from '../../src/jobs/job-ids.js';
import { connectRunnerViaBrowser, type Harness, startHarness, stopHarness } from '../helpers/web-harness.js';

/**
 * The callback sees the granted scopes: without an activity scope the runner is connected
 * "needing access" (docs/strava-quota.md#connecting-without-activity-access): no analysis is
 * queued, no Strava API call is made, and the page they land on says which box to tick and
 * offers to try again. Ticking it on a second try connects them normally.
 */
describe('connecting without activity access', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('lands on a page naming the box to tick, queues nothing, calls nothing; a second try with it connects', async () => {
    await h.simControl.clearRequests();
    const flow = await connectRunnerViaBrowser(h, {
      firstname: 'Unticked',
      grantedScopes: ['read', 'profile:read_all'],
    });
    expect(flow.callback.headers.location).toBe('/onboarding');
    const page = await request(h.app.url).get('/onboarding').set('Cookie', flow.jar.header()).expect(200);
    expect(page.text).toContain('RampGuard cannot read your runs');
    expect(page.text).toContain('<strong>View data about your activities</strong>');
    expect(page.text).toContain('href="/auth/strava"');
    const plan = await request(h.app.url).get('/plan').set('Cookie', flow.jar.header()).expect(200);
    expect(plan.text).toContain('View data about your activities');

    const [row] = await h.app.deps.db.select().from(runners).where(eq(runners.id, flow.runnerId));
    expect(row).toMatchObject({ stravaRefusal: 'activity_scope_missing', analysisDueAt: null });
    expect(
      await h.app.deps.queues.analysis.getDeduplicationJobId(
        scopedJobId(h.app.deps.database, `analyze-${flow.runnerId}`),
      ),
    ).toBeNull();
    expect(await h.simControl.listRequests('/api/v3/')).toEqual([]);

    // "Try again": the same athlete ticks the box this time.
    const again = await connectRunnerViaBrowser(h, { jar: flow.jar, athleteId: flow.athleteId });
    expect(again.runnerId).toBe(flow.runnerId);
    const [fixed] = await h.app.deps.db.select().from(runners).where(eq(runners.id, flow.runnerId));
    expect(fixed).toMatchObject({ stravaRefusal: null, disconnectedAt: null, backfillStatus: 'pending' });
    expect(
      await h.app.deps.queues.analysis.getDeduplicationJobId(
        scopedJobId(h.app.deps.database, `analyze-${flow.runnerId}`),
      ),
    ).not.toBeNull();
    const after = await request(h.app.url).get('/onboarding').set('Cookie', again.jar.header()).expect(200);
    expect(after.text).not.toContain('RampGuard cannot read your runs');
  });
});
