import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CallbackServer,
  call,
  connectAthlete,
  type SimHarness,
  startCallbackServer,
  startTestSimulator,
  subscribe,
} from './helpers.js';

const HUGE = '18446744073709551615';
const JUST_OVER_2_53 = '9007199254740993';

let sim: SimHarness;
let callback: CallbackServer;

beforeEach(async () => {
  sim = await startTestSimulator();
  callback = await startCallbackServer();
});
afterEach(async () => {
  await sim.close();
  await callback.close();
});

describe('big ids are emitted as bare JSON numbers, digit for digit', () => {
  it('in token responses, lists, details and webhook bodies', async () => {
    await subscribe(sim, callback.url);
    await sim.control.createAthlete({ id: JUST_OVER_2_53, firstname: 'Big' });
    const tokens = await connectAthlete(sim, JUST_OVER_2_53);
    await sim.control.createActivity({ athleteId: JUST_OVER_2_53, id: HUGE, name: 'huge' });
    await sim.control.createActivity({ athleteId: JUST_OVER_2_53, id: JUST_OVER_2_53, name: 'over' });

    const athlete = await call(`${sim.apiUrl}/athlete`, { token: tokens.access_token });
    expect(athlete.text).toContain(`"id":${JUST_OVER_2_53},`);

    const list = await call(`${sim.apiUrl}/athlete/activities`, { token: tokens.access_token });
    expect(list.text).toContain(`"id":${HUGE},`);
    expect(list.text).toContain(`"id":${JUST_OVER_2_53},`);
    expect(list.text).toContain(`"athlete":{"id":${JUST_OVER_2_53},"resource_state":1}`);
    // What a naive JSON.parse would have produced instead: proves the test checks something.
    expect(String((list.json as { id: number }[])[0]?.id)).not.toBe(HUGE);

    const detail = await call(`${sim.apiUrl}/activities/${HUGE}`, { token: tokens.access_token });
    expect(detail.status).toBe(200);
    expect(detail.text).toContain(`"id":${HUGE},`);

    await sim.simulator.producer.flush();
    expect(callback.events).toHaveLength(2);
    const bodies = (await sim.control.listEvents()).map((e) => e.body);
    expect(callback.events.map((e) => e.body).sort()).toEqual([...bodies].sort());
    expect(bodies[0]).toContain(`"object_id":${HUGE},`);
    expect(bodies[0]).toContain(`"owner_id":${JUST_OVER_2_53},`);
    expect(bodies[1]).toContain(`"object_id":${JUST_OVER_2_53},`);
  });

  it('generated activity ids start above 2^53 by default', async () => {
    const athleteId = (await sim.control.createAthlete({ firstname: 'Ana' })).id;
    const { activity } = await sim.control.createActivity({ athleteId });
    expect(BigInt(activity.id) > 2n ** 53n).toBe(true);
  });

  it('an activity name that looks like an internal placeholder stays a string', async () => {
    const athleteId = (await sim.control.createAthlete({ firstname: 'Ana' })).id;
    await sim.control.createActivity({ athleteId, name: '@@rawint-0000000000000000:1@@' });
    const tokens = await connectAthlete(sim, athleteId);
    const list = await call(`${sim.apiUrl}/athlete/activities`, { token: tokens.access_token });
    expect((list.json as { name: string }[])[0]?.name).toBe('@@rawint-0000000000000000:1@@');
  });
});
