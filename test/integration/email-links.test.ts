import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOutboxRow } from '../../src/db/repositories/email-outbox.js';
import { emailOutbox, runners } from '../../src/db/schema/index.js';
import { outboxMessageId } from '../../src/email/links/message-id.js';
import { verifyEmailUrl } from '../../src/email/links/verify-email-link.js';
import { scheduleSendJob } from '../../src/email/outbox/schedule-send-job.js';
import { emlFilePath } from '../../src/email/transport/eml-file.js';
import { requestEmailVerification } from '../../src/http/email-verification/router.js';
import { html } from '../../src/http/unsubscribe/page.js';
import { unsubscribeUrl } from '../../src/http/unsubscribe/router.js';
import type { Running } from '../../src/server.js';
import type { Clock } from '../../src/shared/clock.js';
import { AppError } from '../../src/shared/errors.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';

const HOUR = 3_600_000;

/** Path and query of an absolute link, for supertest against the in-process app. */
function local(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

describe('one-click unsubscribe and email verification (no SMTP_URL: .eml files)', () => {
  let database: TestDatabase;
  let app: Running;
  let dataDir: string;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = testEnv({
      DATABASE_URL: database.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      ROLE: 'all',
    });
    dataDir = env.DATA_DIR!;
    app = await startTestApp(env, { clock });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  async function createRunner(overrides: Partial<typeof runners.$inferInsert> = {}) {
    const [row] = await database.db
      .insert(runners)
      .values({
        athleteId: randomBytes(6).readUIntBE(0, 6).toString(),
        firstname: 'Ada <b>&',
        email: `ada-${randomBytes(4).toString('hex')}@example.com`,
        emailVerifiedAt: new Date(),
        ...overrides,
      })
      .returning();
    return row!;
  }

  const readRunner = async (id: string) =>
    (await database.db.select().from(runners).where(eq(runners.id, id)))[0]!;

  /** `<outbox-<id>.<lifetime>@localhost>` (docs/job-ids.md); the file is named after it. */
  const messageIdOf = (outboxId: number) =>
    outboxMessageId(app.deps.config, app.deps.database.lifetime.id(), outboxId);

  async function emlFor(outboxId: number) {
    const file = emlFilePath(dataDir, messageIdOf(outboxId));
    const raw = await eventually(async () => readFileSync(file, 'utf8'));
    return { file, raw, parsed: await simpleParser(raw) };
  }

  describe('unsubscribe', () => {
    it('GET shows a button and changes nothing (mail scanners prefetch links)', async () => {
      const runner = await createRunner();
      const link = unsubscribeUrl(app.deps.config, runner.id, clock.now());
      const page = await request(app.url).get(local(link)).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.text).toMatch(/<form method="post" action="\/unsubscribe\?token=[^"]+">/);
      expect(page.text).toContain('<button type="submit">Unsubscribe</button>');
      await request(app.url).get(local(link)).expect(200);
      expect((await readRunner(runner.id)).unsubscribedAt).toBeNull();
    });

    it('POST without cookies (RFC 8058 one-click) answers 200, no redirect, and is idempotent', async () => {
      const runner = await createRunner();
      const link = local(unsubscribeUrl(app.deps.config, runner.id, clock.now()));
      const first = await request(app.url)
        .post(link)
        .type('form')
        .send('List-Unsubscribe=One-Click')
        .redirects(0);
      expect(first.status).toBe(200);
      expect(first.headers.location).toBeUndefined();
      expect(first.text).toContain('You are unsubscribed');
      const at = (await readRunner(runner.id)).unsubscribedAt;
      expect(at).toBeInstanceOf(Date);

      // Again, and with an empty body: still 200, first time kept.
      await request(app.url).post(link).type('form').send('List-Unsubscribe=One-Click').expect(200);
      await request(app.url).post(link).expect(200);
      expect((await readRunner(runner.id)).unsubscribedAt).toEqual(at);
    });

    it('the form on the GET page posts to the same URL', async () => {
      const runner = await createRunner();
      const page = await request(app.url).get(local(unsubscribeUrl(app.deps.config, runner.id, clock.now())));
      const action = /action="([^"]+)"/.exec(page.text)![1]!.replaceAll('&amp;', '&');
      await request(app.url).post(action).expect(200);
      expect((await readRunner(runner.id)).unsubscribedAt).toBeInstanceOf(Date);
    });

    it('rejects a missing, forged or wrong-purpose token with a 400 page and changes nothing', async () => {
      const runner = await createRunner();
      const good = new URL(unsubscribeUrl(app.deps.config, runner.id, clock.now())).searchParams.get(
        'token',
      )!;
      const forged = `${good.slice(0, -2)}xx`;
      const verifyToken = new URL(
        verifyEmailUrl(app.deps.config, runner.id, runner.email!, clock.now()),
      ).searchParams.get('token')!;
      for (const query of [
        '',
        `?token=${encodeURIComponent(forged)}`,
        `?token=${encodeURIComponent(verifyToken)}`,
      ]) {
        const get = await request(app.url).get(`/unsubscribe${query}`);
        expect(get.status).toBe(400);
        expect(get.text).toContain('This link does not work');
        await request(app.url).post(`/unsubscribe${query}`).expect(400);
      }
      expect((await readRunner(runner.id)).unsubscribedAt).toBeNull();
    });

    it('an unsubscribed runner gets no more alerts', async () => {
      const runner = await createRunner({ unsubscribedAt: new Date() });
      const id = await insertOutboxRow(database.db, {
        runnerId: runner.id,
        template: 'shoe_mileage',
        dedupeKey: `shoe:${runner.id}`,
        payload: {
          shoeName: 'Pegasus',
          detection: {
            kind: 'shoe_mileage',
            message: 'Your Pegasus passed 800 km.',
            metrics: { distanceKm: 801 },
          },
        },
      });
      await scheduleSendJob(app.deps, id!);
      await eventually(async () => {
        const [row] = await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, id!));
        expect(row!.status).toBe('cancelled');
        expect(row!.lastError).toBe('unsubscribed');
      });
    });
  });

  describe('email verification', () => {
    it('When a runner gives an address, then a verification .eml is written and its link verifies it through GET page + POST', async () => {
      const runner = await createRunner({ email: null, emailVerifiedAt: null, unsubscribedAt: new Date() });
      const result = await requestEmailVerification(app.deps, runner.id, '  new.address@example.com ');
      expect(result.status).toBe('queued');
      const stored = await readRunner(runner.id);
      expect(stored.email).toBe('new.address@example.com');
      expect(stored.emailVerifiedAt).toBeNull();

      // Verification goes out even though the runner unsubscribed from alerts.
      const { file, parsed } = await emlFor(result.outboxId!);
      expect(file.startsWith(path.join(dataDir, 'outbox'))).toBe(true);
      expect(parsed.to && 'text' in parsed.to ? parsed.to.text : '').toBe('new.address@example.com');
      expect(parsed.messageId).toBe(messageIdOf(result.outboxId!));
      expect(parsed.subject).toBe('Confirm your email address for RampGuard');
      const link = /(http:\/\/localhost:\d+\/account\/email\/verify\?token=\S+)/.exec(parsed.text ?? '')![1]!;

      const page = await request(app.url).get(local(link)).expect(200);
      expect(page.text).toContain('<button type="submit">Confirm my email</button>');
      expect(page.text).toMatch(/<form method="post" action="\/account\/email\/verify\?token=[^"]+">/);
      expect((await readRunner(runner.id)).emailVerifiedAt).toBeNull();

      const done = await request(app.url).post(local(link)).type('form').send('').redirects(0).expect(200);
      expect(done.text).toContain('Email address confirmed');
      expect(done.text).toContain('<a href="/plan">');
      const verifiedAt = (await readRunner(runner.id)).emailVerifiedAt;
      expect(verifiedAt).toBeInstanceOf(Date);

      // Repeating is harmless and keeps the first time.
      await request(app.url).post(local(link)).expect(200);
      expect((await readRunner(runner.id)).emailVerifiedAt).toEqual(verifiedAt);
    });

    it('repeated requests within minutes queue one email; the same verified address queues none', async () => {
      const runner = await createRunner({ email: null, emailVerifiedAt: null });
      const first = await requestEmailVerification(app.deps, runner.id, 'twice@example.com');
      const second = await requestEmailVerification(app.deps, runner.id, 'Twice@example.com');
      expect(first.status).toBe('queued');
      expect(second).toEqual({ status: 'already-queued', outboxId: null });
      await emlFor(first.outboxId!);

      await database.db.update(runners).set({ emailVerifiedAt: new Date() }).where(eq(runners.id, runner.id));
      expect(await requestEmailVerification(app.deps, runner.id, 'twice@example.com')).toEqual({
        status: 'already-verified',
        outboxId: null,
      });
    });

    it('a link mailed to an old address cannot verify the new one', async () => {
      const runner = await createRunner({ email: null, emailVerifiedAt: null });
      await requestEmailVerification(app.deps, runner.id, 'old@example.com');
      const oldLink = verifyEmailUrl(app.deps.config, runner.id, 'old@example.com', clock.now());
      await requestEmailVerification(app.deps, runner.id, 'new@example.com');

      expect((await request(app.url).get(local(oldLink))).status).toBe(400);
      const post = await request(app.url).post(local(oldLink));
      expect(post.status).toBe(400);
      expect(post.text).toContain('no longer on your account');
      const stored = await readRunner(runner.id);
      expect(stored.email).toBe('new@example.com');
      expect(stored.emailVerifiedAt).toBeNull();
    });

    it('the verification email for a replaced address is cancelled, not sent', async () => {
      const runner = await createRunner({ email: null, emailVerifiedAt: null });
      // Both requests commit before any send; the first row's address is gone by send time.
      const first = await insertOutboxRow(database.db, {
        runnerId: runner.id,
        template: 'verification',
        dedupeKey: `verification:${runner.id}:old`,
        payload: { addressHash: 'a'.repeat(64) },
      });
      await database.db
        .update(runners)
        .set({ email: 'current@example.com' })
        .where(eq(runners.id, runner.id));
      await scheduleSendJob(app.deps, first!);
      await eventually(async () => {
        const [row] = await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, first!));
        expect(row!.status).toBe('cancelled');
        expect(row!.lastError).toBe('address changed');
      });
    });

    it('an expired link (over 48 h) no longer verifies', async () => {
      const runner = await createRunner({ email: 'late@example.com', emailVerifiedAt: null });
      const link = verifyEmailUrl(app.deps.config, runner.id, 'late@example.com', clock.now());
      offsetMs += 49 * HOUR;
      try {
        expect((await request(app.url).post(local(link))).status).toBe(400);
        expect((await readRunner(runner.id)).emailVerifiedAt).toBeNull();
      } finally {
        offsetMs -= 49 * HOUR;
      }
    });

    it('refuses anything but one plain address, and unknown runners', async () => {
      const runner = await createRunner();
      for (const bad of [
        '',
        'no-at-sign',
        'a@b.com, c@d.com',
        'Eve <eve@example.com>',
        'a@b.com\r\nBcc: x@y.z',
      ]) {
        await expect(requestEmailVerification(app.deps, runner.id, bad)).rejects.toMatchObject({
          code: 'invalid_email',
        });
      }
      const unknown = requestEmailVerification(
        app.deps,
        '00000000-0000-4000-8000-000000000000',
        'x@example.com',
      );
      await expect(unknown).rejects.toBeInstanceOf(AppError);
      await expect(unknown).rejects.toMatchObject({ status: 404 });
    });

    it('pages are escaped by default and are complete documents', async () => {
      const hostile = `<script>alert("x")</script>&'`;
      expect(html`<p title="${hostile}">${hostile}</p>`.html).toBe(
        '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
      );
      expect(html`<div>${html`<b>${hostile}</b>`}</div>`.html).toBe(
        '<div><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b></div>',
      );
      const runner = await createRunner({ email: 'esc@example.com', emailVerifiedAt: null });
      const link = verifyEmailUrl(app.deps.config, runner.id, 'esc@example.com', clock.now());
      const page = await request(app.url).get(local(link)).expect(200);
      expect(page.text).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(page.text).toContain('<title>Confirm your email address · RampGuard</title>');
      expect(page.text).toContain('<main>');
      expect(page.headers['content-security-policy']).toContain("form-action 'self'");
    });
  });
});
