import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertOutboxRow } from '../../src/db/repositories/email-outbox.js';
import { emailOutbox, runners } from '../../src/db/schema/index.js';
import type { PlanJson } from '../../src/domain/plan-view.js';
import { outboxMessageId } from '../../src/email/links/message-id.js';
import { scheduleSendJob } from '../../src/email/outbox/schedule-send-job.js';
import { sweepOutbox } from '../../src/email/outbox/sweep-outbox.js';
import { scopedJobId } from '../../src/jobs/job-ids.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const PUBLIC_URL = 'https://rampguard.example';

const PLAN: PlanJson = {
  phase: 'daily',
  sessionsPerWeek: 7,
  exercises: [
    { id: 'leg-raise', name: 'Leg raise', reps: 5, perLeg: true, holdSeconds: 5, variant: 'standard' },
    { id: 'glute-bridge', name: 'Glute bridge', reps: 3, perLeg: false, holdSeconds: 10, variant: 'two-leg' },
  ],
  reasons: ['11'],
  since: '2026-03-02T07:00:00.000Z',
  nextReview: '2026-03-16T07:00:00.000Z',
  seePhysio: false,
  history: [{ phase: 'daily', sessionsPerWeek: 7, since: '2026-03-02T07:00:00.000Z', reasons: ['11'] }],
};

/** An alert payload as the analysis use case writes it (src/app/analysis/plan-emails.ts). */
function alertPayload() {
  return {
    detectionIds: ['11', '12'],
    detections: [
      {
        kind: 'session_spike',
        severity: 'moderate',
        message: 'Your run was 45% longer than your longest run in the previous 30 days.',
        metrics: { distanceKm: 14.5, longestPrior30dKm: 10, increasePct: 45 },
      },
      {
        kind: 'weekly_ramp',
        severity: 'high',
        message: 'You ran 62% more this week than your recent weekly average.',
        metrics: { weekKm: 48.6, baselineWeeklyKm: 30, increasePct: 62 },
      },
    ],
    plan: PLAN,
    timeZone: 'Europe/Berlin',
  };
}

function unfoldedHeaders(raw: string): string {
  return (raw.split(/\r\n\r\n/)[0] ?? '').replace(/\r\n[ \t]+/g, ' ');
}

describe('email delivery through the outbox', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let app: Running;

  beforeAll(async () => {
    database = await createTestDatabase();
    sink = await startSmtpSink();
    app = await startTestApp(
      testEnv({
        DATABASE_URL: database.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        ROLE: 'all',
        SMTP_URL: sink.url,
        PUBLIC_URL,
        MAIL_FROM: 'RampGuard <alerts@rampguard.example>',
      }),
    );
  });
  afterAll(async () => {
    await app?.stop();
    await sink?.close();
    await database?.drop();
  });
  beforeEach(() => {
    sink.setMode('accept');
    sink.clear();
  });

  async function createRunner(overrides: Partial<typeof runners.$inferInsert> = {}) {
    const [row] = await database.db
      .insert(runners)
      .values({
        athleteId: String(Date.now()) + randomBytes(3).readUIntBE(0, 3),
        firstname: 'Ada',
        email: `ada-${randomBytes(4).toString('hex')}@example.com`,
        emailVerifiedAt: new Date(),
        ...overrides,
      })
      .returning();
    return row!;
  }

  async function queueAlert(runnerId: string, payload: Record<string, unknown> = alertPayload(), now?: Date) {
    const id = await insertOutboxRow(database.db, {
      runnerId,
      template: 'alert',
      dedupeKey: `alert:${runnerId}:${randomBytes(4).toString('hex')}`,
      payload,
      ...(now ? { now } : {}),
    });
    if (id === null) throw new Error('not inserted');
    return id;
  }

  /** `<outbox-<id>.<lifetime>@domain>` (docs/job-ids.md). */
  function messageIdOf(id: number): string {
    return outboxMessageId(app.deps.config, app.deps.database.lifetime.id(), id);
  }

  async function row(id: number) {
    const [found] = await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
    return found!;
  }

  async function rowWithStatus(id: number, status: string) {
    return eventually(async () => {
      const found = await row(id);
      expect(found.status).toBe(status);
      return found;
    });
  }

  it('When an alert is queued for a verified runner, then one email arrives with the contract headers, both parts and links', async () => {
    const runner = await createRunner();
    const id = await queueAlert(runner.id);
    await scheduleSendJob(app.deps, id);

    const sent = await rowWithStatus(id, 'sent');
    const [message] = await sink.waitForMessages(1);
    expect(sent.messageId).toBe(messageIdOf(id));
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(message!.messageId).toBe(messageIdOf(id));
    expect(message!.to).toEqual([runner.email]);

    const headers = unfoldedHeaders(message!.raw);
    expect(headers).toMatch(/^X-RampGuard-Triggers: session_spike,weekly_ramp$/im);
    expect(headers).toMatch(
      /^List-Unsubscribe: <https:\/\/rampguard\.example\/unsubscribe\?token=[^>\s]+>$/m,
    );
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(headers).toMatch(new RegExp(`^Message-ID: ${messageIdOf(id).replace(/\./g, '\\.')}$`, 'm'));
    expect(message!.parsed.subject).toMatch(/^Ada, /);

    const { text, html } = message!.parsed;
    expect(text).toContain('45% longer');
    expect(text).toContain('62% more this week');
    expect(text).toContain(`${PUBLIC_URL}/plan`);
    expect(html).toContain(`href="${PUBLIC_URL}/plan"`);
    expect(html).toMatch(/href="https:\/\/rampguard\.example\/checkin\?token=[^"]+"/);
    expect(html).toMatch(/href="https:\/\/rampguard\.example\/unsubscribe\?token=[^"]+"/);

    // The List-Unsubscribe link opens our page (GET, no state change).
    const link = /^List-Unsubscribe: <([^>]+)>$/m.exec(headers)![1]!;
    const page = await request(app.url).get(new URL(link).pathname + new URL(link).search);
    expect(page.status).toBe(200);

    // Redis holds the row id only, never the address (docs/reliability-rules.md#ids-only-in-job-data).
    const job = await app.deps.queues.email.getJob(scopedJobId(app.deps.database, `email-${id}`));
    expect(job?.data).toEqual({ outboxId: id });
  });

  it('When the same dedupe key is queued twice, then one row and one email', async () => {
    const runner = await createRunner();
    const key = `alert:${runner.id}:v1`;
    const first = await insertOutboxRow(database.db, {
      runnerId: runner.id,
      template: 'alert',
      dedupeKey: key,
      payload: alertPayload(),
    });
    const second = await insertOutboxRow(database.db, {
      runnerId: runner.id,
      template: 'alert',
      dedupeKey: key,
      payload: alertPayload(),
    });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    await scheduleSendJob(app.deps, first!);
    await scheduleSendJob(app.deps, first!);
    await rowWithStatus(first!, 'sent');
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.messages).toHaveLength(1);
    const rows = await database.db.select().from(emailOutbox).where(eq(emailOutbox.runnerId, runner.id));
    expect(rows).toHaveLength(1);
  });

  it.each([
    ['unverified', { emailVerifiedAt: null }, 'address not verified'],
    ['unsubscribed', { unsubscribedAt: new Date() }, 'unsubscribed'],
    ['suppressed', { emailSuppressedAt: new Date() }, 'address suppressed'],
    ['alerts off', { alertsEnabled: false }, 'alerts disabled'],
    ['no address', { email: null }, 'no address'],
  ] as const)(
    'When the runner is %s, then no email goes out and the row is cancelled',
    async (_name, overrides, reason) => {
      const runner = await createRunner(overrides);
      const id = await queueAlert(runner.id);
      await scheduleSendJob(app.deps, id);
      const cancelled = await rowWithStatus(id, 'cancelled');
      expect(cancelled.lastError).toBe(reason);
      expect(sink.attempts).toHaveLength(0);
    },
  );

  it('When the server answers 421 once, then the email is delivered once after a retry', async () => {
    const runner = await createRunner();
    sink.failNext('tempfail');
    const id = await queueAlert(runner.id);
    await scheduleSendJob(app.deps, id);
    const sent = await rowWithStatus(id, 'sent');
    expect(sent.attempts).toBe(2);
    expect(sink.attempts).toEqual([runner.email, runner.email]);
    expect(sink.messages.map((m) => m.messageId)).toEqual([messageIdOf(id)]);
  });

  it('When the server answers 550, then the row fails, the address is suppressed, and nothing is retried', async () => {
    const runner = await createRunner();
    sink.failNext('reject');
    const id = await queueAlert(runner.id);
    await scheduleSendJob(app.deps, id);
    const failed = await rowWithStatus(id, 'failed');
    expect(failed.lastError).toMatch(/^smtp 550 RCPT TO/);
    const [after] = await database.db.select().from(runners).where(eq(runners.id, runner.id));
    expect(after!.emailSuppressedAt).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(sink.attempts).toHaveLength(1);
    expect(await app.deps.queues.email.getJobState(scopedJobId(app.deps.database, `email-${id}`))).toBe(
      'failed',
    );

    // Later mail to the suppressed address is cancelled without touching SMTP.
    const next = await queueAlert(runner.id);
    await scheduleSendJob(app.deps, next);
    expect((await rowWithStatus(next, 'cancelled')).lastError).toBe('address suppressed');
    expect(sink.attempts).toHaveLength(1);
  });

  it('When the stamp fails after the 250 (the transaction rolls back), then at most one duplicate arrives, with the same Message-ID', async () => {
    const runner = await createRunner();
    // The first stamp of this runner's rows raises inside the sender's transaction,
    // after the SMTP server has answered 250: the same outcome as a crash there.
    // A sequence is not transactional, so only the first stamp fails.
    await database.db.execute(
      sql.raw(`
      create sequence stamp_failures;
      create function fail_first_stamp() returns trigger language plpgsql as $$
      begin
        if new.status = 'sent' and new.runner_id = '${runner.id}' and nextval('stamp_failures') = 1 then
          raise exception 'simulated crash between the 250 and the stamp';
        end if;
        return new;
      end $$;
      create trigger fail_first_stamp before update on email_outbox
        for each row execute function fail_first_stamp();`),
    );
    try {
      const id = await queueAlert(runner.id);
      await scheduleSendJob(app.deps, id);
      const sent = await rowWithStatus(id, 'sent');
      expect(sent.messageId).toBe(messageIdOf(id));
      // The rolled-back attempt left no trace on the row: its re-send is attempt 1 again.
      expect(sent.attempts).toBe(1);
      const ids = sink.messages.map((m) => m.messageId);
      expect(ids).toEqual([messageIdOf(id), messageIdOf(id)]);
    } finally {
      await database.db.execute(
        sql.raw(
          'drop trigger fail_first_stamp on email_outbox; drop function fail_first_stamp(); drop sequence stamp_failures;',
        ),
      );
    }
  });

  it('When the connection drops after DATA but before the 250, then the retry re-sends with the same Message-ID', async () => {
    const runner = await createRunner();
    sink.failNext('drop-before-250');
    const id = await queueAlert(runner.id);
    await scheduleSendJob(app.deps, id);
    await rowWithStatus(id, 'sent');
    const ids = sink.messages.map((m) => m.messageId);
    expect(ids).toEqual([messageIdOf(id), messageIdOf(id)]);
  });

  it('When the connection drops right after the 250, then the email counts as sent, once', async () => {
    const runner = await createRunner();
    sink.failNext('drop-after-250');
    const id = await queueAlert(runner.id);
    await scheduleSendJob(app.deps, id);
    const sent = await rowWithStatus(id, 'sent');
    expect(sent.attempts).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.messages).toHaveLength(1);
  });

  it('When the first name carries CR/LF and U+2028, then no header is added and the recipient is unchanged', async () => {
    const runner = await createRunner({
      firstname: 'Eve\r\nBcc: victim@evil.test\u2028X-Injected: yes\nSubject: pwned',
    });
    const id = await queueAlert(runner.id);
    await scheduleSendJob(app.deps, id);
    await rowWithStatus(id, 'sent');
    const [message] = await sink.waitForMessages(1);
    expect(message!.to).toEqual([runner.email]);
    expect(message!.parsed.headers.has('bcc')).toBe(false);
    expect(message!.parsed.headers.has('x-injected')).toBe(false);
    expect(unfoldedHeaders(message!.raw).match(/^Subject:/gim)).toHaveLength(1);
    expect(message!.parsed.subject).not.toMatch(/[\r\n\u2028]/);
  });

  it('When a committed row never got its job (Redis lost it), then the sweeper sends it', async () => {
    const runner = await createRunner();
    const id = await queueAlert(runner.id, alertPayload(), new Date(Date.now() - 2 * 60_000));
    const { requeued } = await sweepOutbox(app.deps);
    expect(requeued).toBeGreaterThanOrEqual(1);
    await rowWithStatus(id, 'sent');
    expect(sink.messages.map((m) => m.messageId)).toEqual([messageIdOf(id)]);
  });

  it('When a payload does not match its template, then the row fails without touching SMTP', async () => {
    const runner = await createRunner();
    const id = await insertOutboxRow(database.db, {
      runnerId: runner.id,
      template: 'taper',
      dedupeKey: `taper:${runner.id}:bad`,
      payload: { plan: 'not a plan' },
    });
    await scheduleSendJob(app.deps, id!);
    expect((await rowWithStatus(id!, 'failed')).lastError).toBe('invalid payload');
    expect(sink.attempts).toHaveLength(0);
  });

  it('counts emails by template and outcome in /metrics', async () => {
    const metrics = await request(app.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/rampguard_emails_total\{template="alert",outcome="sent"\} \d+/);
    expect(metrics.text).toMatch(/rampguard_emails_total\{template="alert",outcome="cancelled"\} \d+/);
    expect(metrics.text).not.toContain('@example.com');
  });
});
