import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_SCOPES, call, type SimHarness, startTestSimulator } from './helpers.js';

/** docs/sandbox.md#what-survives-a-restart: the simulator's state file. */
describe('simulator state file', () => {
  const started: SimHarness[] = [];
  const start = async (stateFile: string, seedDemo = false) => {
    const sim = await startTestSimulator({ stateFile, seedDemo });
    started.push(sim);
    return sim;
  };
  afterEach(async () => {
    for (const sim of started.splice(0)) await sim.close();
  });

  it('brings back athletes, shoes, activities, grants, tokens and subscriptions, and carries the ids on', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rg-sim-state-')), 'sim.json');
    const first = await start(file);
    const athlete = await first.control.createAthlete({ firstname: 'Persisted' });
    const shoe = await first.control.createShoe(athlete.id, { name: 'Trail shoes', distance: 120_000 });
    const { activity } = await first.control.createActivity({
      athleteId: athlete.id,
      distance: 7000,
      gear_id: shoe.id,
    });
    const grant = await first.control.issueToken({ athleteId: athlete.id, scopes: ALL_SCOPES });
    await first.close();
    started.pop();

    const second = await start(file, true);
    // A saved state replaces the demo athlete.
    expect((await second.control.listAthletes()).map((a) => a.firstname)).toEqual(['Persisted']);
    const read = await call(`${second.apiUrl}/activities/${activity.id}`, { token: grant.access_token });
    expect(read.status).toBe(200);
    expect(read.text).toContain(`"gear_id":"${shoe.id}"`);
    const refreshed = await call(`${second.oauthUrl}/token`, {
      method: 'POST',
      form: {
        client_id: '10000',
        client_secret: 'sim-client-secret',
        grant_type: 'refresh_token',
        refresh_token: grant.refresh_token,
      },
    });
    expect(refreshed.status).toBe(200);
    const next = await second.control.createActivity({ athleteId: athlete.id });
    expect(BigInt(next.activity.id)).toBeGreaterThan(BigInt(activity.id));
  });

  it('moves an unreadable file aside and starts fresh', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-sim-state-'));
    const file = path.join(dir, 'sim.json');
    writeFileSync(file, '{"format":"something else"}');
    const sim = await start(file, true);
    expect((await sim.control.listAthletes()).map((a) => a.firstname)).toEqual(['Alex']);
    expect(readdirSync(dir).some((f) => f.startsWith('sim.json.unreadable-'))).toBe(true);
    await sim.control.createAthlete({ firstname: 'Fresh' });
    await sim.close();
    started.pop();
    expect(existsSync(file)).toBe(true);
  });
});
