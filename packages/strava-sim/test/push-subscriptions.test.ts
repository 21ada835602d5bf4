import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CallbackServer,
  CLIENT_ID,
  CLIENT_SECRET,
  call,
  type SimHarness,
  startCallbackServer,
  startTestSimulator,
  subscribe,
} from './helpers.js';

const NOT_VERIFIED = {
  message: 'Bad Request',
  errors: [
    { resource: 'PushSubscription', field: 'callback url', code: 'GET to callback URL does not return 200' },
  ],
};

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

const creds = `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}`;

describe('push subscriptions', () => {
  it('creates after a validation GET that echoes hub.challenge, then lists it as an array', async () => {
    const res = await subscribe(sim, callback.url, 'tok-123');
    expect(res.status).toBe(201);
    expect(res.text).toMatch(/^\{"id":\d+\}$/);
    const [handshake] = callback.handshakes;
    expect(handshake?.get('hub.mode')).toBe('subscribe');
    expect(handshake?.get('hub.verify_token')).toBe('tok-123');
    expect(handshake?.get('hub.challenge')).toMatch(/^[0-9a-f]{32}$/);

    const view = await call(`${sim.apiUrl}/push_subscriptions?${creds}`);
    expect(view.status).toBe(200);
    expect(view.json).toEqual([
      expect.objectContaining({
        id: (res.json as { id: number }).id,
        application_id: Number(CLIENT_ID),
        callback_url: callback.url,
        resource_state: 2,
      }),
    ]);
  });

  it.each([
    ['a wrong echo', 'wrong-echo'],
    ['a redirect', 'redirect'],
    ['a non-JSON content type', 'text'],
    ['an answer slower than the limit', 'slow'],
  ] as const)('fails with the Strava body on %s', async (_name, mode) => {
    callback.handshake = mode;
    await sim.control.setSettings({ validationTimeoutMs: 300 });
    const res = await subscribe(sim, callback.url);
    expect(res.status).toBe(400);
    expect(res.json).toEqual(NOT_VERIFIED);
    expect((await call(`${sim.apiUrl}/push_subscriptions?${creds}`)).json).toEqual([]);
  });

  it('fails when the callback is unreachable', async () => {
    const res = await subscribe(sim, 'http://127.0.0.1:9/webhooks/strava');
    expect(res.status).toBe(400);
  });

  it('allows one subscription per application', async () => {
    expect((await subscribe(sim, callback.url)).status).toBe(201);
    const second = await subscribe(sim, callback.url);
    expect(second.status).toBe(400);
    expect(second.json).toMatchObject({ errors: [{ resource: 'PushSubscription', code: 'already exists' }] });
  });

  it('a concurrent second create also fails: the first one is still validating', async () => {
    const results = await Promise.all([subscribe(sim, callback.url), subscribe(sim, callback.url)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
  });

  it('deletes with 204, after which the list is empty and a new one can be created', async () => {
    const { id } = (await subscribe(sim, callback.url)).json as { id: number };
    const del = await call(`${sim.apiUrl}/push_subscriptions/${id}?${creds}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await call(`${sim.apiUrl}/push_subscriptions?${creds}`)).json).toEqual([]);
    expect((await call(`${sim.apiUrl}/push_subscriptions/${id}?${creds}`, { method: 'DELETE' })).status).toBe(
      404,
    );
    expect((await subscribe(sim, callback.url)).status).toBe(201);
  });

  it('needs the app credentials', async () => {
    const wrong = await call(`${sim.apiUrl}/push_subscriptions?client_id=${CLIENT_ID}&client_secret=nope`);
    expect(wrong.status).toBe(401);
    const missing = await call(`${sim.apiUrl}/push_subscriptions`, {
      form: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, verify_token: 'x' },
    });
    expect(missing.status).toBe(400);
  });
});
