import { rmSync } from 'node:fs';
import { createSimControl, type SimControl } from '@rampguard/strava-sim';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, runners } from '../../src/db/schema/index.js';
import { sandboxStateFile } from '../../src/http/sandbox/create-sandbox-simulator.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { deleteQueueKeys, REDIS_URL } from '../helpers/queue-keys.js';
import { freePort } from '../helpers/redis-server.js';
import { connectRunnerViaBrowser, type Harness } from '../helpers/web-harness.js';

const DAY_MS = 86_400_000;

/** Eight weeks of steady running (longest 12 km), all started before the runner connected. */
function history(athleteId: string, now: number) {
  const pattern = [6000, 8000, 6000, 12000];
  return Array.from({ length: 8 }, (_, w) => 8 - w).flatMap((week) =>
    pattern.map((distance, i) => ({
      athleteId,
      distance,
      moving_time: Math.round((distance / 1000) * 330),
      start_date: new Date(now - (week * 7 - i * 2) * DAY_MS - 2 * 3_600_000).toISOString(),
    })),
  );
}

/**
 * docs/sandbox.md: the sandbox survives a restart. One RampGuard process in
 * sandbox mode (simulator under /sim, no SMTP: mail goes to .eml files),
 * stopped and started again on the same DATA_DIR, database and port.
 */
describe('sandbox mode across a restart', () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let app: Running | undefined;
  let publicUrl: string;
  let sim: SimControl;
  let signedIn: { jar: { header(): string } } | undefined;

  const start = async () => {
    app = await startTestApp(env);
    // The webhook subscription is (re)made in the background once the server listens.
    await eventually(async () => {
      const subs = await sim.listSubscriptions();
      if (!subs.some((s) => s.callbackUrl === `${publicUrl}/webhooks/strava`))
        throw new Error('no subscription');
    });
    return app;
  };
  const harness = (running: Running) =>
    ({ app: running, simControl: sim, publicUrl, database }) as unknown as Harness;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    env = testEnv({
      DATABASE_URL: database.url,
      REDIS_URL,
      ROLE: 'all',
      PORT: String(port),
      PUBLIC_URL: publicUrl,
    });
    sim = createSimControl(`${publicUrl}/sim`);
  });
  afterAll(async () => {
    await app?.stop();
    await deleteQueueKeys(String(env.QUEUE_PREFIX));
    await database?.drop();
  });

  it("carries on where it stopped: after a restart the connected runner's next run still alerts", async () => {
    const first = await start();
    const connected = await connectRunnerViaBrowser(harness(first), { firstname: 'Restart' });
    await first.deps.db
      .update(runners)
      .set({ email: 'restart@example.com', emailVerifiedAt: new Date() })
      .where(eq(runners.id, connected.runnerId));
    await eventually(async () => {
      const [row] = await first.deps.db.select().from(runners).where(eq(runners.id, connected.runnerId));
      if (row?.backfillStatus !== 'done') throw new Error(`backfill ${row?.backfillStatus}`);
    });
    await first.stop();

    const second = await start();
    // The simulator remembers the athlete and the grant; RampGuard's tokens still work.
    expect((await sim.listAthletes()).map((a) => a.id)).toContain(connected.athleteId);
    const plan = await request(second.url).get('/plan').set('Cookie', connected.jar.header()).expect(200);
    expect(plan.text).not.toContain('Reconnect');

    const now = Date.now();
    await sim.createActivities({ activities: history(connected.athleteId, now), notify: false });
    const spike = await sim.createActivity({
      athleteId: connected.athleteId,
      distance: 20_000,
      moving_time: 6_600,
      start_date: new Date(now).toISOString(),
    });
    expect(spike.events).toHaveLength(1);
    const alert = await eventually(async () => {
      const [row] = await second.deps.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.runnerId, connected.runnerId), eq(emailOutbox.template, 'alert')));
      if (row?.status !== 'sent') throw new Error(`alert ${row?.status ?? 'not queued'}`);
      return row;
    }, 30_000);
    expect(JSON.stringify(alert.payload)).toContain('session_spike');
    signedIn = connected;
  }, 90_000);

  it('/sim/mail lists every message sent, newest first, and shows each as its recipient sees it', async () => {
    const running = app as Running;
    await running.deps.mailer.send({
      to: 'restart@example.com',
      subject: 'A later message',
      text: 'later',
      html: '<p>later</p>',
      headers: {},
      messageId: '<sandbox-later@localhost>',
    });
    const list = await request(running.url).get('/sim/mail').expect(200);
    expect(list.text).toContain('Sandbox mode');
    const later = list.text.indexOf('A later message');
    const alertAt = list.text.indexOf('session_spike');
    expect(later).toBeGreaterThan(-1);
    expect(alertAt).toBeGreaterThan(later);
    const alertId =
      /href="\/sim\/mail\/([^"]+)"><strong>[^<]*<\/strong><\/a>\s*<br><span[^>]*>[^<]*session_spike/.exec(
        list.text,
      )?.[1];
    expect(alertId).toBeDefined();

    const page = await request(running.url)
      .get(`/sim/mail/${alertId}`)
      .set('Cookie', signedIn?.jar.header() ?? '');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`src="/sim/mail/${alertId}/html"`);
    // The text part's links are links, whole.
    expect(page.text).toContain(`<a href="${publicUrl}/plan">${publicUrl}/plan</a>`);
    expect(page.text).toMatch(new RegExp(`<a href="${publicUrl}/checkin\\?token=[^"]{40,}">`));
    // Signed in: the page carries the navigation.
    expect(page.text).toContain('aria-label="Main"');

    const framed = await request(running.url).get(`/sim/mail/${alertId}/html`).expect(200);
    expect(framed.headers['content-security-policy']).toContain("default-src 'none'");
    expect(framed.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(framed.text).toContain('<base target="_top">');
    expect(framed.text).toContain(`href="${publicUrl}/plan"`);

    // The .eml export: 8bit bodies, every link on one line (no quoted-printable soft breaks).
    const eml = await fetch(`${running.url}/sim/mail/${alertId}.eml`);
    expect(eml.status).toBe(200);
    expect(eml.headers.get('content-type')).toContain('message/rfc822');
    const raw = await eml.text();
    expect(raw).toMatch(/^X-RampGuard-Triggers: .*session_spike/im);
    expect(raw).toContain('Content-Transfer-Encoding: 8bit');
    expect(raw).not.toContain('quoted-printable');
    const links = raw.match(/https?:\/\/[^\s"<>]+/g) ?? [];
    expect(links.some((l) => /\/checkin\?token=.{40,}/.test(l))).toBe(true);
    for (const link of links) expect(link).not.toMatch(/=$/);

    expect((await request(running.url).get('/sim/mail/..%2Fdev-secrets').expect(404)).text).not.toContain(
      '{',
    );
  });

  it('says "reconnect" on the plan page when the simulator has forgotten the grant', async () => {
    const running = app as Running;
    const connected = await connectRunnerViaBrowser(harness(running), { firstname: 'Forgotten' });
    await running.stop();
    // A newcomer deletes the sandbox state but keeps the database (or the other way round).
    rmSync(sandboxStateFile(String(env.DATA_DIR)));
    const again = await start();
    const plan = await request(again.url).get('/plan').set('Cookie', connected.jar.header()).expect(200);
    expect(plan.text).toContain('Reconnect: the Strava simulator forgot this connection');
    expect(plan.text).toContain('href="/auth/strava"');
  }, 60_000);
});
