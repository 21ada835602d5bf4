import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CallbackServer,
  connectAthlete,
  type SimHarness,
  startCallbackServer,
  startTestSimulator,
  subscribe,
} from './helpers.js';

type Event = {
  object_type: string;
  object_id: number;
  aspect_type: string;
  owner_id: number;
  subscription_id: number;
  event_time: number;
  updates: Record<string, string>;
};

let sim: SimHarness;
let callback: CallbackServer;
let athleteId: string;
let subscriptionId: number;

beforeEach(async () => {
  sim = await startTestSimulator({
    athleteIdStart: '134815',
    activityIdStart: '1000',
  });
  callback = await startCallbackServer();
  subscriptionId = ((await subscribe(sim, callback.url)).json as { id: number }).id;
  athleteId = (await sim.control.createAthlete({ firstname: 'Ana' })).id;
});
afterEach(async () => {
  await sim.close();
  await callback.close();
});

const received = (): Event[] => callback.events.map((e) => JSON.parse(e.body) as Event);
/** In publish order: deliveries run concurrently, so arrival order is not guaranteed (as on Strava). */
const published = async (): Promise<Event[]> =>
  (await sim.control.listEvents()).map((e) => JSON.parse(e.body) as Event);

describe('webhook producer', () => {
  it("posts Strava's event shape for a create, with string updates", async () => {
    await connectAthlete(sim, athleteId);
    const { activity } = await sim.control.createActivity({ athleteId });
    await sim.simulator.producer.flush();
    expect(received()).toEqual([
      {
        object_type: 'activity',
        object_id: Number(activity.id),
        aspect_type: 'create',
        owner_id: Number(athleteId),
        subscription_id: subscriptionId,
        event_time: expect.any(Number),
        updates: {},
      },
    ]);
    const [record] = await sim.control.listEvents();
    expect(record).toMatchObject({ status: 'delivered', attempts: [{ status: 200 }] });
  });

  it('sends nothing for athletes who never authorized the app', async () => {
    await sim.control.createActivity({ athleteId });
    await sim.simulator.producer.flush();
    expect(callback.events).toEqual([]);
  });

  it('title, type and privacy changes (with activity:read_all); no event for distance or gear', async () => {
    await connectAthlete(sim, athleteId, ['read', 'activity:read_all']);
    const { activity } = await sim.control.createActivity({ athleteId });
    await sim.control.updateActivity(activity.id, { name: 'Messy' });
    await sim.control.updateActivity(activity.id, { sport_type: 'TrailRun' });
    await sim.control.updateActivity(activity.id, { private: true });
    await sim.control.updateActivity(activity.id, { private: false });
    await sim.control.updateActivity(activity.id, { distance: 12_345 });
    await sim.control.deleteActivity(activity.id);
    await sim.simulator.producer.flush();
    expect(callback.events).toHaveLength(6);
    expect((await published()).map((e) => [e.aspect_type, e.updates])).toEqual([
      ['create', {}],
      ['update', { title: 'Messy' }],
      ['update', { type: 'TrailRun' }],
      ['update', { private: 'true' }],
      ['update', { private: 'false' }],
      ['delete', {}],
    ]);
  });

  it('without activity:read_all going private is a delete and going public a create', async () => {
    await connectAthlete(sim, athleteId, ['read', 'activity:read']);
    const { activity } = await sim.control.createActivity({ athleteId });
    await sim.control.updateActivity(activity.id, { visibility: 'only_me' });
    await sim.control.updateActivity(activity.id, { name: 'unseen' });
    await sim.control.updateActivity(activity.id, { visibility: 'followers_only' });
    await sim.simulator.producer.flush();
    expect((await published()).map((e) => e.aspect_type)).toEqual(['create', 'delete', 'create']);
  });

  it('sends the deauthorization event when the athlete revokes access', async () => {
    const tokens = await connectAthlete(sim, athleteId);
    await sim.control.revokeAccess(athleteId);
    await sim.simulator.producer.flush();
    expect(received()).toEqual([
      expect.objectContaining({
        object_type: 'athlete',
        aspect_type: 'update',
        object_id: Number(athleteId),
        owner_id: Number(athleteId),
        updates: { authorized: 'false' },
      }),
    ]);
    const res = await fetch(`${sim.apiUrl}/athlete`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(res.status).toBe(401);
  });

  it('retries: fails twice then succeeds → delivered after 3 attempts', async () => {
    await connectAthlete(sim, athleteId);
    callback.postStatuses.push(500, 503);
    await sim.control.createActivity({ athleteId });
    await sim.control.flushEvents();
    expect(callback.events).toHaveLength(3);
    const [record] = await sim.control.listEvents();
    expect(record?.status).toBe('delivered');
    expect(record?.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
  });

  it('gives up after 3 failed attempts', async () => {
    await connectAthlete(sim, athleteId);
    callback.postStatuses.push(500, 404, 500, 500);
    await sim.control.createActivity({ athleteId });
    await sim.simulator.producer.flush();
    expect(callback.events).toHaveLength(3);
    const [record] = await sim.control.listEvents('failed');
    expect(record?.attempts).toHaveLength(3);
  });

  it('an answer slower than the 2 s rule (here 100 ms) counts as a failed attempt', async () => {
    await connectAthlete(sim, athleteId);
    await sim.control.configureProducer({ timeoutMs: 100 });
    callback.postDelayMs = 250;
    await sim.control.createActivity({ athleteId });
    await sim.simulator.producer.flush();
    const [record] = await sim.control.listEvents();
    expect(record?.status).toBe('failed');
    expect(record?.attempts.map((a) => a.error)).toEqual(Array(3).fill('no answer within 100 ms'));
  });

  it('can duplicate, drop and reorder events', async () => {
    await connectAthlete(sim, athleteId);
    await sim.control.configureProducer({ duplicateRate: 1, duplicateDelayMs: 10 });
    await sim.control.createActivity({ athleteId });
    await sim.simulator.producer.flush();
    expect(callback.events).toHaveLength(2);
    expect(callback.events[0]?.body).toBe(callback.events[1]?.body);

    await sim.control.configureProducer({ duplicateRate: 0, dropRate: 1 });
    await sim.control.createActivity({ athleteId });
    await sim.simulator.producer.flush();
    expect(callback.events).toHaveLength(2);
    expect(await sim.control.listEvents('dropped')).toHaveLength(1);

    await sim.control.configureProducer({ dropRate: 0, reorder: true, reorderWindowMs: 50 });
    // One bulk call publishes all three within the window, so the batch is deterministic.
    const { activities } = await sim.control.createActivities({
      activities: [{ athleteId }, { athleteId }, { athleteId }],
      notify: true,
    });
    const ids = activities.map((a) => Number(a.id));
    await sim.simulator.producer.flush();
    expect(
      received()
        .slice(2)
        .map((e) => e.object_id),
    ).toEqual(ids.reverse());
  });

  it('sends hand-made (forged) events through POST /control/events', async () => {
    await sim.control.sendEvent({
      object_type: 'athlete',
      object_id: athleteId,
      aspect_type: 'update',
      owner_id: athleteId,
      updates: { authorized: 'false' },
      event_time: 1516126040,
    });
    await sim.simulator.producer.flush();
    expect(received()[0]).toMatchObject({ event_time: 1516126040, updates: { authorized: 'false' } });
  });
});
