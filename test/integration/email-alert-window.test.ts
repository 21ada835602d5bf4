import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOutboxRow } from '../../src/db/repositories/email-outbox.js';
import { emailOutbox, runners } from '../../src/db/schema/index.js';
import type { PlanJson } from '../../src/domain/plan-view.js';
import { outboxMessageId } from '../../src/email/links/message-id.js';
import { scheduleSendJob } from '../../src/email/outbox/schedule-send-job.js';
import { sweepOutbox } from '../../src/email/outbox/sweep-outbox.js';
import type { Running } from '../../src/server.js';
import type { Clock } from '../../src/shared/clock.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const HOUR = 3_600_000;

const PLAN: PlanJson = {
  phase: 'daily',
  sessionsPerWeek: 7,
  exercises: [
    { id: 'leg-raise', name: 'Leg raise', reps: 5, perLeg: true, holdSeconds: 5, variant: 'standard' },
    { id: 'glute-bridge', name: 'Glute bridge', reps: 3, perLeg: false, holdSeconds: 10, variant: 'two-leg' },
  ],
  reasons: [],
  since: '2026-03-02T07:00:00.000Z',
  nextReview: '2026-03-16T07:00:00.000Z',
  seePhysio: false,
  history: [],
};

const TRIGGERS = {
  session_spike: 'Your run was 45% longer than your longest run in the previous 30 days.',
  weekly_ramp: 'You ran 62% more this week than your recent weekly average.',
  gear_change: 'You ran in a new pair of shoes.',
  intensity_ramp: 'Your training got 40% harder this week.',
} as const;

function alertPayload(kind: keyof typeof TRIGGERS) {
  return {
    detections: [{ kind, severity: 'moderate', message: TRIGGERS[kind], metrics: { increasePct: 45 } }],
    plan: PLAN,
  };
}

/** A clock that keeps ticking with real time, shifted by a controllable offset. */
function shiftedClock() {
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  const advance = (ms: number) => {
    offsetMs += ms;
  };
  return { clock, advance };
}

describe('at most one alert per runner per 24 h (docs/email.md, docs/email.md#send-rules)', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let app: Running;
  const time = shiftedClock();

  beforeAll(async () => {
    database = await createTestDatabase();
    sink = await startSmtpSink();
    app = await startTestApp(
      testEnv({
        DATABASE_URL: database.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        ROLE: 'all',
        SMTP_URL: sink.url,
        PUBLIC_URL: 'https://rampguard.example',
        MAIL_FROM: 'RampGuard <alerts@rampguard.example>',
      }),
      { clock: time.clock },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await sink?.close();
    await database?.drop();
  });

  async function queue(runnerId: string, template: 'alert' | 'taper', payload: Record<string, unknown>) {
    const id = await insertOutboxRow(database.db, {
      runnerId,
      template,
      dedupeKey: `${template}:${runnerId}:${randomBytes(4).toString('hex')}`,
      payload,
      now: time.clock.now(),
    });
    await scheduleSendJob(app.deps, id!);
    return id!;
  }

  const row = async (id: number) =>
    (await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0]!;
  /** `<outbox-<id>.<lifetime>@domain>` (docs/job-ids.md). */
  const messageIdOf = (id: number) => outboxMessageId(app.deps.config, app.deps.database.lifetime.id(), id);

  it('When alerts follow within 24 h, then they wait, and the next email folds all of them', async () => {
    const [runner] = await database.db
      .insert(runners)
      .values({ athleteId: '9001', firstname: 'Ada', email: 'ada@example.com', emailVerifiedAt: new Date() })
      .returning();
    const runnerId = runner!.id;

    // T0: the first alert goes out at once.
    const first = await queue(runnerId, 'alert', alertPayload('session_spike'));
    const firstSent = await eventually(async () => {
      const r = await row(first);
      expect(r.status).toBe('sent');
      return r;
    });
    const windowEnd = firstSent.sentAt!.getTime() + 24 * HOUR;

    // T0+1h and T0+2h: two more alerts wait for the window to end.
    time.advance(HOUR);
    const second = await queue(runnerId, 'alert', alertPayload('weekly_ramp'));
    time.advance(HOUR);
    const third = await queue(runnerId, 'alert', alertPayload('gear_change'));
    for (const id of [second, third]) {
      await eventually(async () => {
        const r = await row(id);
        expect(r.status).toBe('pending');
        expect(r.nextAttemptAt.getTime()).toBe(windowEnd);
      });
    }

    // Other emails are not held back by the alert window.
    const taper = await queue(runnerId, 'taper', { plan: PLAN });
    await eventually(async () => expect((await row(taper)).status).toBe('sent'));
    expect(sink.messages.map((m) => m.messageId)).toEqual([messageIdOf(first), messageIdOf(taper)]);

    // Before the window ends, the sweeper sends nothing.
    time.advance(20 * HOUR);
    await sweepOutbox(app.deps);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.messages).toHaveLength(2);

    // After it: one email, under the oldest waiting row's Message-ID, listing both triggers.
    time.advance(3 * HOUR);
    const { requeued } = await sweepOutbox(app.deps);
    expect(requeued).toBe(2);
    const folded = await eventually(async () => {
      const [s, t] = [await row(second), await row(third)];
      expect(s.status).toBe('sent');
      expect(t.status).toBe('cancelled');
      return t;
    });
    expect(folded.lastError).toBe(`folded into ${second}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.messages).toHaveLength(3);
    const message = sink.messages[2]!;
    expect(message.messageId).toBe(messageIdOf(second));
    expect(message.parsed.headers.get('x-rampguard-triggers')).toBe('weekly_ramp,gear_change');
    expect(message.parsed.text).toContain(TRIGGERS.weekly_ramp);
    expect(message.parsed.text).toContain(TRIGGERS.gear_change);
    expect(message.parsed.text).not.toContain(TRIGGERS.session_spike);

    // A new trigger right after that email waits 24 h from it.
    time.advance(HOUR);
    const fourth = await queue(runnerId, 'alert', alertPayload('intensity_ramp'));
    const secondSentAt = (await row(second)).sentAt!.getTime();
    await eventually(async () => {
      expect((await row(fourth)).nextAttemptAt.getTime()).toBe(secondSentAt + 24 * HOUR);
    });
    expect(sink.messages).toHaveLength(3);
  });
  it('When two alerts of a runner are due at once, then concurrent send jobs produce one email', async () => {
    const [runner] = await database.db
      .insert(runners)
      .values({ athleteId: '9002', firstname: 'Bo', email: 'bo@example.com', emailVerifiedAt: new Date() })
      .returning();
    const runnerId = runner!.id;
    const before = sink.messages.length;
    // Both rows commit together, then both jobs race.
    const ids = await database.db.transaction(async (tx) => [
      await insertOutboxRow(tx, {
        runnerId,
        template: 'alert',
        dedupeKey: `alert:${runnerId}:a`,
        payload: alertPayload('session_spike'),
        now: time.clock.now(),
      }),
      await insertOutboxRow(tx, {
        runnerId,
        template: 'alert',
        dedupeKey: `alert:${runnerId}:b`,
        payload: alertPayload('gear_change'),
        now: time.clock.now(),
      }),
    ]);
    const [a, b] = ids as [number, number];
    await Promise.all([scheduleSendJob(app.deps, a), scheduleSendJob(app.deps, b)]);
    await eventually(async () => {
      expect((await row(a)).status).toBe('sent');
      expect((await row(b)).status).toBe('cancelled');
    });
    await new Promise((r) => setTimeout(r, 500));
    const mine = sink.messages.slice(before);
    expect(mine.map((m) => m.messageId)).toEqual([messageIdOf(a)]);
    expect(mine[0]!.parsed.headers.get('x-rampguard-triggers')).toBe('session_spike,gear_change');
  });
});
