import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/app/session/sessions.js';
import { selectRows } from '../../src/db/client.js';
import { signSessionId } from '../../src/http/session/session-cookie.js';
import { type FaultHarness, sleep, startFaultHarness, waitFor } from '../helpers/fault-harness.js';
import { containsNeedle, scanRedis } from '../helpers/trace-scan.js';
import { connectBrowser, type Harness } from '../helpers/web-harness.js';

/**
 * docs/errors.md: errors are recorded by shape, not content. While the database fails (first
 * with errors whose Postgres messages quote the row's email address and name, then with its
 * connections cut), a runner changes their address, a new runner signs in, and Strava events
 * fail in the workers. Afterwards no log line (every level), no Redis key or value (job records:
 * failedReason, stack traces, return values; event streams) and no inbox row carries an email
 * address, a Strava token, the OAuth code or the session id.
 */
describe('fault: the log and record canary under a failing database', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await startFaultHarness({ runners: 2, pgProxy: true, logLevel: 'trace' });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it('When the database fails, then no address, token, code or session id reaches a log line, a job record or an inbox row', async () => {
    const [runner] = h.runners;
    if (!runner) throw new Error('no runner');
    const { db, config, strava } = h.app.deps;
    const address = `canary.${randomBytes(4).toString('hex')}@example.test`;
    const grant = await strava.readGrant(db, runner.runnerId);
    if (!grant) throw new Error('no grant');
    const sessionId = await createSession(db, runner.runnerId, new Date());
    const cookie = `rg_session=${signSessionId(sessionId, config.sessionSecret)}`;

    // 1. Postgres refuses every write to runners, quoting the row's address and name in its message.
    await db.execute(
      sql.raw(`
      create function refuse_runner_write() returns trigger language plpgsql as $$
      begin
        raise exception 'refused write of % (%)', new.email, new.firstname;
      end $$;
      create trigger refuse_runner_write before insert or update on runners
        for each row execute function refuse_runner_write();`),
    );
    const changed = await request(h.app.url)
      .put('/api/me/email')
      .set('Cookie', cookie)
      .send({ email: address });
    expect(changed.status).toBe(500);
    const web = { ...h, publicUrl: config.publicUrl } as unknown as Harness;
    const signIn = await connectBrowser(web, { firstname: 'Canary' });
    expect(signIn.callback.status).toBe(500);
    const code = new URLSearchParams(signIn.callbackPath.split('?')[1]).get('code');
    if (!code) throw new Error('no OAuth code in the callback');
    // Strava events for the runner: recorded, then their processing fails (the analysis mark is a runner write).
    const base = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++) {
      const answer = await axios.post(`${h.app.url}/webhooks/strava`, {
        object_type: 'activity',
        object_id: 7_700_000 + i,
        aspect_type: 'create',
        owner_id: Number(runner.athleteId),
        subscription_id: Number(h.subscriptionId),
        event_time: base + i,
        updates: {},
      });
      expect(answer.status).toBe(200);
    }
    await waitFor(
      'failed event processing recorded on the inbox rows',
      async () =>
        (
          await selectRows<{ n: number }>(
            db,
            sql`select count(*)::int as n from webhook_inbox where last_error is not null`,
          )
        )[0]!.n >= 3,
      30_000,
    );

    // 2. Postgres unreachable: connections cut while events arrive and jobs run.
    h.pgProxy!.setMode('reset');
    for (let i = 0; i < 3; i++) {
      await axios.post(
        `${h.app.url}/webhooks/strava`,
        {
          object_type: 'activity',
          object_id: 7_800_000 + i,
          aspect_type: 'create',
          owner_id: Number(runner.athleteId),
          subscription_id: Number(h.subscriptionId),
          event_time: base + 10 + i,
          updates: {},
        },
        { validateStatus: () => true },
      );
    }
    await request(h.app.url).put('/api/me/email').set('Cookie', cookie).send({ email: address });
    await sleep(3_000);
    h.pgProxy!.setMode('pass');
    await waitFor(
      'the database back',
      async () => (await fetch(`${h.app.url}/readyz`)).status === 200,
      30_000,
    );
    await db.execute(
      sql.raw('drop trigger refuse_runner_write on runners; drop function refuse_runner_write();'),
    );
    await h.drain(60_000);

    const needles = [address, runner.email, grant.accessToken, grant.refreshToken, code, sessionId];
    const logs = h.logs.text();
    const inbox = (
      await selectRows<{ row: string }>(db, sql`select t::text as row from webhook_inbox t`)
    ).map((r) => r.row);
    const records = (
      await selectRows<{ row: string }>(
        db,
        sql`select coalesce(last_error, '') as row from email_outbox union all select coalesce(last_error, '') from strava_revocations`,
      )
    ).map((r) => r.row);
    const leaks = [
      ...needles.filter((n) => containsNeedle(logs, n)).map((n) => `log: ${n}`),
      ...needles.filter((n) => inbox.some((row) => containsNeedle(row, n))).map((n) => `inbox: ${n}`),
      ...needles.filter((n) => records.some((row) => containsNeedle(row, n))).map((n) => `record: ${n}`),
      ...(await scanRedis(h.redis.url, needles)).map((f) => `${f.where}: ${f.needle}`),
    ];
    expect(leaks).toEqual([]);

    // The failures happened and were recorded by shape: the canary looked at real error paths.
    expect(logs).toMatch(/"query":"update runners"[^\n]*"sqlState":"P0001"/);
    expect(logs).toMatch(/job attempt failed/);
    expect(inbox.some((row) => /P0001/.test(row))).toBe(true);
    expect(logs).toMatch(/Postgres is unreachable/);
  }, 180_000);
});
