import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimControl, createSimulator, startSimulator } from '../src/index.js';
import { call, type SimHarness, startTestSimulator } from './helpers.js';

let sim: SimHarness;

beforeEach(async () => {
  sim = await startTestSimulator();
});
afterEach(() => sim.close());

describe('control API validation', () => {
  it.each([
    ['an unknown field', { athleteId: '1', sportType: 'Run' }, /sportType/],
    ['a missing athleteId', { distance: 5000 }, /athleteId/],
    ['a bad timezone', { athleteId: '1', timezone: 'Mars/Olympus' }, /timezone/],
    ['a negative distance', { athleteId: '1', distance: -1 }, /distance/],
    ['a date without offset', { athleteId: '1', start_date: '2026-03-01 10:00' }, /start_date/],
  ])('rejects %s with 400 and a message', async (_name, body, message) => {
    const res = await call(`${sim.controlUrl}/activities`, { json: body });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: { code: 'invalid_input', message: expect.stringMatching(message) },
    });
  });

  it('answers 400 for malformed JSON and 404 for unknown athletes, never crashing', async () => {
    const res = await fetch(`${sim.controlUrl}/athletes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"firstname":',
    });
    expect(res.status).toBe(400);
    expect((await call(`${sim.controlUrl}/activities`, { json: { athleteId: '42' } })).status).toBe(404);
    expect((await call(`${sim.controlUrl}/athletes`)).status).toBe(200);
  });

  it('refuses a shoe of another athlete, and bulk creation is all or nothing', async () => {
    const a = await sim.control.createAthlete({ firstname: 'A' });
    const b = await sim.control.createAthlete({ firstname: 'B' });
    const shoe = await sim.control.createShoe(b.id, { name: 'Not yours' });
    await expect(sim.control.createActivity({ athleteId: a.id, gear_id: shoe.id })).rejects.toThrow(/400/);
    await expect(
      sim.control.createActivities({
        activities: [{ athleteId: a.id }, { athleteId: a.id, gear_id: shoe.id }],
      }),
    ).rejects.toThrow(/400/);
    expect(await sim.control.listActivities(a.id)).toEqual([]);
  });
});

describe('control API behaviour', () => {
  it('shoe distance = what was set + the activities logged in it', async () => {
    const athlete = await sim.control.createAthlete({ firstname: 'Ana' });
    const shoe = await sim.control.createShoe(athlete.id, { name: 'Old faithful', distance: 100_000 });
    await sim.control.updateShoe(shoe.id, { distance: 795_000 });
    await sim.control.createActivity({ athleteId: athlete.id, distance: 10_000 });
    expect((await sim.control.getAthlete(athlete.id)).shoes[0]).toMatchObject({
      id: shoe.id,
      distance: 805_000,
      primary: true,
    });
  });

  it('derives local time, speed, type and default name from the inputs', async () => {
    const athlete = await sim.control.createAthlete({ firstname: 'Ana', timezone: 'America/Los_Angeles' });
    const { activity } = await sim.control.createActivity({
      athleteId: athlete.id,
      start_date: '2026-01-15T15:30:00Z',
      distance: 8000,
      moving_time: 2400,
    });
    expect(activity).toMatchObject({
      name: 'Morning Run',
      start_date_local: '2026-01-15T07:30:00Z',
      timezone: '(GMT-08:00) America/Los_Angeles',
      utc_offset: -28800,
      average_speed: 3.333,
      type: 'Run',
      private: false,
      visibility: 'everyone',
    });
    const patched = await sim.control.updateActivity(activity.id, {
      visibility: 'only_me',
      sport_type: 'VirtualRun',
    });
    expect(patched.activity).toMatchObject({
      private: true,
      type: 'VirtualRun',
      start_date_local: '2026-01-15T07:30:00Z',
    });
  });

  it('reset empties the state and restores the default application', async () => {
    await sim.control.createAthlete({ firstname: 'Ana' });
    await sim.control.addFault({ latencyMs: 1 });
    await sim.control.advanceClock(3600);
    await sim.control.reset();
    expect(await sim.control.listAthletes()).toEqual([]);
    expect(await sim.control.listFaults()).toEqual([]);
    expect((await sim.control.getClock()).offsetMs).toBe(0);
    expect((await sim.control.listApplications()).map((a) => a.clientId)).toEqual(['10000']);
  });
});

describe('control page', () => {
  it('escapes names and drives the simulator with plain forms', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const athlete = await sim.control.createAthlete({ firstname: evil, timezone: 'Europe/Berlin' });
    const page = await call(`${sim.controlUrl}/ui?athlete=${athlete.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(evil);
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).toContain('<html lang="en">');

    const post = (p: string, form: Record<string, string>) => call(`${sim.controlUrl}${p}`, { form });
    expect(
      (await post(`/ui/athletes/${athlete.id}/shoes`, { name: 'Trainer', distanceKm: '12.5' })).status,
    ).toBe(303);
    const shoe = (await sim.control.getAthlete(athlete.id)).shoes[0];
    const added = await post(`/ui/athletes/${athlete.id}/activities`, {
      distanceKm: '10',
      startLocal: '2026-07-01T07:00',
      sport_type: 'Run',
      gear_id: shoe?.id ?? '',
      visibility: 'everyone',
    });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe(`/control/ui?athlete=${athlete.id}`);
    const [run] = await sim.control.listActivities(athlete.id);
    expect(run).toMatchObject({ distance: 10_000, start_date: '2026-07-01T05:00:00Z', gear_id: shoe?.id });

    const bad = await post(`/ui/athletes/${athlete.id}/activities`, { distanceKm: '-3' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('role="alert"');

    expect((await post(`/ui/activities/${run?.id}/delete`, {})).status).toBe(303);
    expect(await sim.control.listActivities(athlete.id)).toEqual([]);
    expect((await post(`/ui/athletes/${athlete.id}/revoke`, {})).status).toBe(303);
  });

  it('adds a run that ends now and is uploaded now unless told otherwise; pace, shoe and heart rate are set', async () => {
    const now = new Date('2026-09-10T18:00:00Z');
    const fixed = await startTestSimulator({ now: () => now });
    try {
      const athlete = await fixed.control.createAthlete({ firstname: 'Form' });
      const shoe = await fixed.control.createShoe(athlete.id, { name: 'New shoes' });
      const form = {
        distanceKm: '20',
        pace: '5:00',
        gear_id: shoe.id,
        averageHeartrate: '152',
        startLocal: '',
        sport_type: 'Run',
        visibility: 'everyone',
      };
      const res = await call(`${fixed.controlUrl}/ui/athletes/${athlete.id}/activities`, { form });
      expect(res.status).toBe(303);
      const [run] = await fixed.control.listActivities(athlete.id);
      // 20 km at 5:00/km: 6000 s, so it started 100 minutes before now.
      expect(run).toMatchObject({
        distance: 20_000,
        moving_time: 6000,
        elapsed_time: 6000,
        start_date: '2026-09-10T16:20:00Z',
        created_at: now.toISOString(),
        gear_id: shoe.id,
        average_heartrate: 152,
      });
      const badPace = await call(`${fixed.controlUrl}/ui/athletes/${athlete.id}/activities`, {
        form: { ...form, pace: 'fast' },
      });
      expect(badPace.status).toBe(400);
      expect(badPace.text).toContain('pace: give minutes and seconds per km');
    } finally {
      await fixed.close();
    }
  });

  it('is reachable from the root', async () => {
    const res = await call(`${sim.url}/`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/control/ui');
  });
});

describe('mounting', () => {
  it('control: false serves Strava only', async () => {
    const bare = await startSimulator({ control: false });
    try {
      expect((await call(`${bare.url}/control/athletes`)).status).toBe(404);
      expect((await call(`${bare.url}/control/ui`)).status).toBe(404);
      expect((await call(`${bare.url}/`)).status).toBe(404);
      expect((await call(`${bare.apiUrl}/athlete`)).status).toBe(401);
    } finally {
      await bare.close();
    }
  });

  it('works mounted under /sim of a host app (sandbox mode)', async () => {
    const simulator = createSimulator();
    const host = express();
    host.use('/sim', simulator.app);
    const server = host.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sim`;
    try {
      const control = createSimControl(base);
      const athlete = await control.createAthlete({ firstname: 'Sandy' });
      const consent = await control.authorize({
        clientId: '10000',
        redirectUri: 'http://localhost:3000/auth/strava/callback',
        scopes: ['read', 'activity:read_all'],
        athleteId: athlete.id,
      });
      const token = await call(`${base}/oauth/token`, {
        form: {
          client_id: '10000',
          client_secret: 'sim-client-secret',
          code: consent.code ?? '',
          grant_type: 'authorization_code',
        },
      });
      const { access_token } = token.json as { access_token: string };
      expect((await call(`${base}/api/v3/athlete`, { token: access_token })).status).toBe(200);
      const root = await call(`${base}/`);
      expect(root.headers.get('location')).toBe('/sim/control/ui');
      const page = await call(`${base}/control/ui`);
      expect(page.text).toContain(`action="/sim/control/ui/athletes/${athlete.id}/shoes"`);
      expect((await control.listRequests('/api/v3')).map((r) => r.path)).toEqual(['/api/v3/athlete']);
    } finally {
      await simulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
