import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanJson } from '../../src/domain/plan-view.js';
import { mailDomain, outboxMessageId } from '../../src/email/links/message-id.js';
import { retryDelayMs, SEND_JOB_ATTEMPTS, SEND_JOB_BACKOFF } from '../../src/email/outbox/retry-policy.js';
import { renderAlertEmail } from '../../src/email/templates/alert.js';
import { classifyMailError, MailDeliveryError } from '../../src/email/transport/mail-errors.js';
import { createMailer, type Mailer } from '../../src/email/transport/mailer.js';
import { silentLogger } from '../helpers/logger.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const PLAN: PlanJson = {
  phase: 'daily',
  sessionsPerWeek: 7,
  exercises: [
    { id: 'leg-raise', name: 'Leg raise', reps: 5, perLeg: true, holdSeconds: 5, variant: 'standard' },
    { id: 'glute-bridge', name: 'Glute bridge', reps: 3, perLeg: false, holdSeconds: 10, variant: 'two-leg' },
  ],
  reasons: ['1'],
  since: '2026-03-02T07:00:00.000Z',
  nextReview: '2026-03-16T07:00:00.000Z',
  seePhysio: false,
  history: [],
};

function email(overrides: Partial<Parameters<Mailer['send']>[0]> = {}) {
  return {
    to: 'runner@example.com',
    subject: 'Hello',
    text: 'text part',
    html: '<p>html part</p>',
    headers: { 'X-RampGuard-Triggers': 'session_spike' },
    messageId: '<outbox-1@rampguard.example>',
    ...overrides,
  };
}

/** The header block with folded lines joined, one header per line. */
function headerLines(raw: string): string[] {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  return head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
}

describe('mailer over real SMTP', () => {
  let sink: SmtpSink;
  let mailer: Mailer;

  beforeAll(async () => {
    sink = await startSmtpSink();
    mailer = createMailer(
      { smtpUrl: sink.url, mailFrom: 'RampGuard <alerts@rampguard.example>', dataDir: '/nonexistent' },
      silentLogger,
    );
  });
  afterAll(async () => {
    await mailer?.close();
    await sink?.close();
  });

  it('delivers with the given Message-ID, both parts and extra headers', async () => {
    sink.clear();
    const sent = await mailer.send(email());
    expect(sent.messageId).toBe('<outbox-1@rampguard.example>');
    const [message] = await sink.waitForMessages(1);
    expect(message?.messageId).toBe('<outbox-1@rampguard.example>');
    expect(message?.to).toEqual(['runner@example.com']);
    expect(message?.from).toBe('alerts@rampguard.example');
    expect(message?.parsed.text?.trim()).toBe('text part');
    expect(message?.parsed.html).toContain('<p>html part</p>');
    expect(message?.parsed.headers.get('x-rampguard-triggers')).toBe('session_spike');
  });

  it('classifies 421 as transient and 550 as permanent with suppression, without quoting the address', async () => {
    sink.failNext('tempfail');
    const transient = await mailer.send(email()).catch((err: unknown) => err);
    expect(transient).toBeInstanceOf(MailDeliveryError);
    expect(transient).toMatchObject({ permanent: false, suppress: false, retryable: true });

    sink.failNext('reject');
    const permanent = await mailer.send(email()).catch((err: unknown) => err);
    expect(permanent).toMatchObject({ permanent: true, suppress: true, retryable: false });
    expect((permanent as MailDeliveryError).detail).toMatch(/^smtp 550 RCPT TO/);
    expect((permanent as Error).message).not.toContain('runner@example.com');
  });

  it('does not re-send by itself when the connection drops before the 250 (maxRequeues: 0)', async () => {
    sink.clear();
    sink.failNext('drop-before-250');
    const err = await mailer
      .send(email({ messageId: '<outbox-2@rampguard.example>' }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ permanent: false });
    await new Promise((r) => setTimeout(r, 500));
    // The server got the message once; a pool requeue would have delivered it again.
    expect(sink.messages.map((m) => m.messageId)).toEqual(['<outbox-2@rampguard.example>']);
    // The pool recovers for the next message.
    await mailer.send(email({ messageId: '<outbox-3@rampguard.example>' }));
    expect(sink.messages).toHaveLength(2);
  });

  it('treats a dropped connection after the 250 as delivered', async () => {
    sink.clear();
    sink.failNext('drop-after-250');
    await mailer.send(email({ messageId: '<outbox-4@rampguard.example>' }));
    await new Promise((r) => setTimeout(r, 200));
    await mailer.send(email({ messageId: '<outbox-5@rampguard.example>' }));
    expect(sink.messages.map((m) => m.messageId)).toEqual([
      '<outbox-4@rampguard.example>',
      '<outbox-5@rampguard.example>',
    ]);
  });
});

describe('mail error classification', () => {
  const cases: [string, unknown, { permanent: boolean; suppress: boolean }][] = [
    [
      '550 on RCPT TO',
      { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' },
      { permanent: true, suppress: true },
    ],
    [
      '554 after DATA',
      { code: 'EMESSAGE', responseCode: 554, command: 'DATA' },
      { permanent: true, suppress: true },
    ],
    [
      '421 on RCPT TO',
      { code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO' },
      { permanent: false, suppress: false },
    ],
    [
      '451 after DATA',
      { code: 'EMESSAGE', responseCode: 451, command: 'DATA' },
      { permanent: false, suppress: false },
    ],
    [
      '535 login refused (our config)',
      { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' },
      { permanent: false, suppress: false },
    ],
    [
      '553 sender refused (our config)',
      { code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' },
      { permanent: false, suppress: false },
    ],
    ['connection closed', { code: 'ECONNECTION', command: 'CONN' }, { permanent: false, suppress: false }],
    ['timeout', { code: 'ETIMEDOUT', command: 'CONN' }, { permanent: false, suppress: false }],
    ['disk full (file mode)', { code: 'ENOSPC' }, { permanent: false, suppress: false }],
    ['not an object', 'boom', { permanent: false, suppress: false }],
  ];
  it.each(cases)('%s', (_name, err, expected) => {
    expect(classifyMailError(err)).toMatchObject(expected);
  });
});

describe('Message-ID and retry timing', () => {
  it('derives the Message-ID from the row and the database lifetime, its domain from MAIL_FROM, else from PUBLIC_URL', () => {
    const config = { mailFrom: 'RampGuard <no-reply@Mail.Example.com>', publicUrl: 'https://x.test' };
    expect(outboxMessageId(config, 'db0123456789', 7)).toBe('<outbox-7.db0123456789@mail.example.com>');
    // A recreated database hands out row 7 again: its mail must not look like the old row 7's.
    expect(outboxMessageId(config, 'dbaaaaaaaaaa', 7)).not.toBe(outboxMessageId(config, 'db0123456789', 7));
    expect(mailDomain({ mailFrom: 'no-reply@example.org', publicUrl: 'https://x.test' })).toBe('example.org');
    expect(mailDomain({ mailFrom: 'RampGuard', publicUrl: 'https://app.rampguard.test:8443' })).toBe(
      'app.rampguard.test',
    );
  });

  it('never schedules the row later than the earliest BullMQ retry', () => {
    for (let made = 0; made < SEND_JOB_ATTEMPTS - 1; made++) {
      const bullmqShortest = 2 ** made * SEND_JOB_BACKOFF.delay * (1 - SEND_JOB_BACKOFF.jitter);
      expect(retryDelayMs(made)).toBeLessThanOrEqual(bullmqShortest);
    }
    // After the job's last attempt the sweeper takes over, minutes later.
    expect(retryDelayMs(SEND_JOB_ATTEMPTS - 1)).toBeGreaterThanOrEqual(60_000);
  });
});

describe('header injection through the real transport (docs/email.md#header-injection)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rg-eml-'));
  const mailer = createMailer(
    { smtpUrl: undefined, mailFrom: 'RampGuard <no-reply@localhost>', dataDir },
    silentLogger,
  );
  afterAll(() => mailer.close());

  const hostile = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '\r',
          '\n',
          '\r\n',
          '\u2028',
          '\u2029',
          '\u0085',
          ':',
          ' ',
          'Bcc: victim@evil.test',
          'X-Injected: 1',
        ),
        fc.string({ maxLength: 8 }),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));

  it('CR, LF, U+2028/2029 in names and shoe names never add a header line', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (firstName, shoeName) => {
        run += 1;
        const rendered = renderAlertEmail({
          firstName,
          detections: [
            {
              kind: 'gear_change',
              severity: 'high',
              localDate: '2026-03-03',
              message: 'Your run was your first in new shoes.',
              metrics: { gearId: 'g1', shoeName, shoeDistanceKm: 12 },
            },
          ],
          plan: PLAN,
          links: {
            plan: 'https://rampguard.example/plan',
            unsubscribe: 'https://rampguard.example/unsubscribe?token=t',
            checkIn: {
              fine: 'https://rampguard.example/checkin?token=f',
              sore: 'https://rampguard.example/checkin?token=s',
              pain: 'https://rampguard.example/checkin?token=p',
            },
          },
        });
        const messageId = `<outbox-${run}@localhost>`;
        const { response } = await mailer.send(email({ messageId, ...rendered }));
        const raw = readFileSync(response.replace(/^written /, ''), 'utf8');
        const names = headerLines(raw).map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
        expect(names.sort()).toEqual(
          [
            'auto-submitted',
            'content-type',
            'date',
            'from',
            'list-unsubscribe',
            'list-unsubscribe-post',
            'message-id',
            'mime-version',
            'subject',
            'to',
            'x-rampguard-triggers',
          ].sort(),
        );
        const parsed = await simpleParser(raw);
        expect(parsed.subject ?? '').not.toMatch(/[\r\n\u2028\u2029]/);
        expect(parsed.headers.has('bcc')).toBe(false);
        expect(parsed.headers.has('x-injected')).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
