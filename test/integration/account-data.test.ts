import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_TABLES, RUNNER_TABLES } from '../../src/db/repositories/runner-data.js';
import { webhookInbox } from '../../src/db/schema/index.js';

import {
  connectRunnerViaBrowser,
  type Harness,
  queryRows,
  setCookieLine,
  startHarness,
  stopHarness,
} from '../helpers/web-harness.js';

type Runner = { runnerId: string; athleteId: string; cookie: string };

async function publicTables(h: Harness): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    h,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  return rows.map((r) => r.table_name);
}

/**
 * Rows anywhere in the schema that mention the runner: any row whose text
 * contains the runner id, and any row whose athlete_id / owner_id column is
 * the athlete. Walks information_schema, not a hand-written list.
 */
async function rowsMentioning(h: Harness, runner: { runnerId: string; athleteId: string }) {
  const found: Record<string, number> = {};
  const athleteColumns = await queryRows<{ table_name: string; column_name: string }>(
    h,
    sql`select table_name, column_name from information_schema.columns
        where table_schema = 'public' and column_name in ('athlete_id', 'owner_id')`,
  );
  for (const table of await publicTables(h)) {
    const byId = await queryRows<{ n: number }>(
      h,
      sql`select count(*)::int as n from ${sql.identifier(table)} t where t::text like ${`%${runner.runnerId}%`}`,
    );
    let n = byId[0]!.n;
    for (const c of athleteColumns.filter((c) => c.table_name === table)) {
      const byAthlete = await queryRows<{ n: number }>(
        h,
        sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(c.column_name)} = ${runner.athleteId}`,
      );
      n += byAthlete[0]!.n;
    }
    if (n > 0) found[table] = n;
  }
  return found;
}

/** Gives the runner a row in every runner table (webhook inbox rows are written as intake would). */
async function fillEveryTable(h: Harness, runner: Runner, tag: string): Promise<void> {
  await request(h.app.url)
    .put('/api/me/email')
    .set('Cookie', runner.cookie)
    .send({ email: `${tag}@example.test` })
    .expect(202);
  await request(h.app.url)
    .post('/api/checkins')
    .set('Cookie', runner.cookie)
    .send({ feeling: 'fine' })
    .expect(201);
  const event = {
    objectType: 'activity',
    aspectType: 'create',
    ownerId: runner.athleteId,
    subscriptionId: '1',
    eventTime: new Date(),
    updates: {},
  };
  await h.app.deps.db.insert(webhookInbox).values([
    { ...event, eventKey: `ev-${tag}-linked`, runnerId: runner.runnerId, objectId: '1' },
    // An event recorded before it could be linked to the runner: found by owner id.
    { ...event, eventKey: `ev-${tag}-unlinked`, runnerId: null, objectId: '2' },
  ]);
}

async function seedHistory(h: Harness, firstname: string): Promise<string> {
  const athlete = await h.simControl.createAthlete({ firstname, timezone: 'America/New_York' });
  const shoe = await h.simControl.createShoe(athlete.id, { name: 'Daily trainer', distance: 50_000 });
  const now = Date.now();
  const activities = Array.from({ length: 30 }, (_, i) => ({
    athleteId: athlete.id,
    sport_type: 'Run',
    distance: i === 29 ? 21_000 : 6_000,
    moving_time: i === 29 ? 7_000 : 2_000,
    start_date: new Date(now - (60 - i * 2) * DAY).toISOString(),
    timezone: 'America/New_York',
    gear_id: shoe.id,
  }));
  await h.simControl.createActivities({ activities });
  return athlete.id;
}

async function waitForBackfill(h: Harness, runner: Runner): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const me = await request(h.app.url).get('/api/me').set('Cookie', runner.cookie).expect(200);
    if (me.body.backfill.status === 'done') return;
    if (Date.now() > deadline) throw new Error('backfill did not finish');
    await new Promise((r) => setTimeout(r, 250));
  }
}

const DAY = 24 * 3_600_000;

describe('the account: export everything, disconnect deletes everything', () => {
  let h: Harness;
  const people: Record<'a' | 'b' | 'c' | 'd', Runner> = {} as Record<'a' | 'b' | 'c' | 'd', Runner>;

  async function connect(key: 'a' | 'b' | 'c' | 'd', firstname: string) {
    const athleteId = await seedHistory(h, firstname);
    const flow = await connectRunnerViaBrowser(h, { athleteId });
    people[key] = { runnerId: flow.runnerId, athleteId: flow.athleteId, cookie: flow.jar.header() };
  }

  beforeAll(async () => {
    h = await startHarness({ ROLE: 'all' });
    await connect('a', 'Ada');
    await connect('b', 'Bea');
    await connect('c', 'Cid');
    await connect('d', 'Dot');
    for (const key of ['a', 'b', 'c', 'd'] as const) {
      await waitForBackfill(h, people[key]);
      await fillEveryTable(h, people[key], key);
    }
  }, 120_000);
  afterAll(async () => {
    await stopHarness(h);
  });

  it('Every table in the schema is classified: about a runner (exported, deleted) or not', async () => {
    const tables = await publicTables(h);
    const classified = [...RUNNER_TABLES.map((t) => t.name), ...Object.keys(APP_TABLES)].sort();
    expect(tables).toEqual(classified);
    // Any table with a runner_id column (or a foreign key to runners) must be a runner table.
    const linked = await queryRows<{ table_name: string }>(
      h,
      sql`select distinct c.table_name from information_schema.columns c
          where c.table_schema = 'public' and c.column_name = 'runner_id'
          union
          select distinct tc.table_name from information_schema.table_constraints tc
          join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name
          where tc.constraint_type = 'FOREIGN KEY' and ccu.table_name = 'runners'`,
    );
    const runnerTables = new Set(RUNNER_TABLES.map((t) => t.name));
    for (const { table_name } of linked) expect(runnerTables.has(table_name)).toBe(true);
  });

  it('GET /account/export: every runner table, every row of A, no secrets, nothing of B', async () => {
    const a = people.a;
    const res = await request(h.app.url).get('/account/export').set('Cookie', a.cookie).expect(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="rampguard-export.json"');
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const data = JSON.parse(res.text) as { tables: Record<string, Record<string, unknown>[]> };
    expect(Object.keys(data.tables).sort()).toEqual(RUNNER_TABLES.map((t) => t.name).sort());
    const ref = { id: a.runnerId, athleteId: a.athleteId, scopes: '' };
    for (const entry of RUNNER_TABLES) {
      const rows = await h.app.deps.db.select().from(entry.table).where(entry.where(ref));
      // The test data gives A rows in every runner table, so an empty export would show here.
      expect(rows.length, entry.name).toBeGreaterThan(0);
      expect(data.tables[entry.name], entry.name).toHaveLength(rows.length);
    }
    expect(data.tables.strava_tokens).toEqual([
      { scopes: ['read', 'activity:read_all', 'profile:read_all'], expiresAt: expect.any(String) },
    ]);
    expect(Object.keys(data.tables.sessions![0]!).sort()).toEqual(['createdAt', 'expiresAt', 'lastSeenAt']);
    expect(data.tables.webhook_inbox).toHaveLength(2);
    expect(data.tables.runners![0]).toMatchObject({
      id: a.runnerId,
      athleteId: a.athleteId,
      email: 'a@example.test',
    });

    const state = h.sim.simulator.state;
    for (const secret of [...state.accessTokens.keys(), ...state.refreshTokens.keys()]) {
      expect(res.text).not.toContain(secret);
    }
    expect(res.text).not.toMatch(/v1:[0-9a-f]{8}:/);
    expect(res.text).not.toContain(people.b.runnerId);
    expect(res.text).not.toContain(`"${people.b.athleteId}"`);
    expect(res.text).not.toContain('b@example.test');
  });

  it('GET /account/export without a session is a 401 JSON error', async () => {
    const res = await request(h.app.url).get('/account/export').expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('POST /account/disconnect refuses cross-site requests (CSRF) and changes nothing', async () => {
    const a = people.a;
    const attempts: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'same-origin' },
      { 'Sec-Fetch-Site': 'cross-site' },
      {},
    ];
    for (const headers of attempts) {
      await request(h.app.url).post('/account/disconnect').set('Cookie', a.cookie).set(headers).expect(403);
    }
    await request(h.app.url).get('/api/me').set('Cookie', a.cookie).expect(200);
    expect(Object.keys(await rowsMentioning(h, a)).length).toBeGreaterThan(5);
  });

  it('POST /account/disconnect: deauthorizes at Strava and leaves no row about A in any table, B untouched', async () => {
    const { a, b } = people;
    const bBefore = await rowsMentioning(h, b);
    await h.simControl.clearRequests();
    const res = await request(h.app.url)
      .post('/account/disconnect')
      .set('Cookie', a.cookie)
      .set('Origin', new URL(h.publicUrl).origin)
      .type('form')
      // A hostile form naming B: the session decides whose data goes, never the body.
      .send({ runnerId: b.runnerId, athleteId: b.athleteId })
      .expect(303);
    expect(res.headers.location).toBe('/?disconnected=1');
    expect(setCookieLine(res, 'rg_session')).toMatch(/Expires=Thu, 01 Jan 1970/);

    const deauth = await h.simControl.listRequests('/oauth/deauthorize');
    expect(deauth.map((r) => r.status)).toEqual([200]);
    const simAthlete = await h.simControl.getAthlete(a.athleteId);
    expect(simAthlete.authorizations).toEqual([]);

    expect(await rowsMentioning(h, a)).toEqual({});
    expect(await rowsMentioning(h, b)).toEqual(bBefore);
    await request(h.app.url).get('/api/me').set('Cookie', a.cookie).expect(401);
    await request(h.app.url).get('/account/export').set('Cookie', a.cookie).expect(401);
    await request(h.app.url).get('/api/me').set('Cookie', b.cookie).expect(200);
  });

  it('When Strava is unreachable, disconnect still deletes everything locally, keeps the revocation pending and says so', async () => {
    const c = people.c;
    const fault = await h.simControl.addFault({ path: '/oauth/deauthorize', errorRate: 1, errorStatus: 503 });
    let location: string;
    try {
      const res = await request(h.app.url)
        .post('/account/disconnect')
        .set('Cookie', c.cookie)
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(303);
      location = res.headers.location as string;
    } finally {
      await h.simControl.removeFault(fault.id);
    }
    expect(await rowsMentioning(h, c)).toEqual({});
    // The grant is still alive at Strava: kept to revoke later, detached from the runner.
    const pending = await queryRows<{ attempts: number; last_error: string | null }>(
      h,
      sql`select attempts, last_error from strava_revocations`,
    );
    expect(pending).toEqual([{ attempts: 1, last_error: null }]);
    expect((await h.simControl.getAthlete(c.athleteId)).authorizations).toHaveLength(1);
    // The page after the disconnect tells the runner, and how to revoke it themselves.
    expect(location).toBe('/?disconnected=pending');
    const page = await request(h.app.url).get(location).expect(200);
    expect(page.text).toContain('We could not reach Strava yet');
    expect(page.text).toContain('we keep trying');
    expect(page.text).toContain('href="https://www.strava.com/settings/apps"');
    await h.app.deps.db.execute(sql`delete from strava_revocations`);
  });

  it('When the runner already revoked access on Strava, disconnect still deletes everything', async () => {
    const d = people.d;
    await h.simControl.revokeAccess(d.athleteId);
    await request(h.app.url)
      .post('/account/disconnect')
      .set('Cookie', d.cookie)
      .set('Origin', new URL(h.publicUrl).origin)
      .expect(303)
      .expect('Location', '/?disconnected=1');
    expect(await rowsMentioning(h, d)).toEqual({});
    // Nothing left to revoke: no tokens are kept.
    expect(await queryRows(h, sql`select id from strava_revocations`)).toEqual([]);
  });

  it('POST /account/disconnect without a session is refused', async () => {
    const res = await request(h.app.url)
      .post('/account/disconnect')
      .set('Origin', new URL(h.publicUrl).origin)
      .expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });
});
