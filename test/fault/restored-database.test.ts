import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { insertOutboxRow } from '../../src/db/repositories/email-outbox.js';
import { runners } from '../../src/db/schema/index.js';
import { scheduleSendJob } from '../../src/email/outbox/schedule-send-job.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { ADMIN_DATABASE_URL } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { silentLogger } from '../helpers/logger.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const RUNNERS = 3;

/** A shoe-mileage reminder (src/email/outbox/payloads.ts); the shoe's name tells the rounds apart in the mail. */
function reminderPayload(shoeName: string) {
  return {
    shoeName,
    detection: { kind: 'shoe_mileage', message: 'Your shoe passed 700 km.', metrics: { shoeKm: 701 } },
  };
}

/**
 * docs/job-ids.md: job ids derive from row ids, and a database restored from a snapshot (or
 * recreated) hands the same row ids out again. Against a Redis that still holds the finished
 * jobs of the database that came before, every new email must still be sent, exactly once,
 * with a Message-ID no earlier email had. The snapshot is a template copy of the database
 * (`CREATE DATABASE … TEMPLATE`), which is what a restore into a new database amounts to.
 */
describe('fault: a restored database meets a Redis holding its predecessor’s jobs', () => {
  const tag = randomBytes(4).toString('hex');
  const names = { first: `rg_life_a_${tag}`, snapshot: `rg_life_s_${tag}`, restored: `rg_life_b_${tag}` };
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let sink: SmtpSink;
  const prefix = `rgtest-${tag}`;
  const urlOf = (name: string) => {
    const url = new URL(ADMIN_DATABASE_URL);
    url.pathname = `/${name}`;
    return url.toString();
  };

  beforeAll(async () => {
    await admin.connect();
    redis = await startRedisServer();
    sink = await startSmtpSink();
    await admin.query(`create database ${names.first}`);
    const seed = openDatabase({
      databaseUrl: urlOf(names.first),
      dataDir: '/nonexistent',
      logger: silentLogger,
    });
    await migrateDatabase(seed);
    for (let i = 0; i < RUNNERS; i++) {
      await seed.db.insert(runners).values({
        athleteId: `${Date.now()}${i}`,
        firstname: `Runner${i}`,
        email: `restore-${tag}-${i}@example.test`,
        emailVerifiedAt: new Date(),
      });
    }
    await seed.close();
    // The backup: taken before any email existed.
    await admin.query(`create database ${names.snapshot} template ${names.first}`);
  }, 60_000);
  afterAll(async () => {
    for (const name of Object.values(names))
      await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await sink?.close();
    await redis?.stop();
  });

  async function start(database: string): Promise<Running> {
    return startTestApp(
      testEnv({
        DATABASE_URL: urlOf(database),
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        ROLE: 'all',
        SMTP_URL: sink.url,
        MAIL_FROM: 'RampGuard <alerts@rampguard.test>',
      }),
    );
  }

  /** One reminder per runner, enqueued as the analysis would after its commit. */
  async function sendRound(app: Running, note: string): Promise<number[]> {
    const ids: number[] = [];
    for (const runner of await app.deps.db.select({ id: runners.id }).from(runners)) {
      const id = await insertOutboxRow(app.deps.db, {
        runnerId: runner.id,
        template: 'shoe_mileage',
        dedupeKey: `shoe:${runner.id}:${note}`,
        payload: reminderPayload(`Trainer ${note}`),
      });
      if (id === null) throw new Error('not inserted');
      await scheduleSendJob(app.deps, id);
      ids.push(id);
    }
    return ids;
  }

  it('When the snapshot is restored against the same Redis, then every new email is sent exactly once', async () => {
    const first = await start(names.first);
    const firstIds = await sendRound(first, 'first');
    await sink.waitForMessages(RUNNERS, 30_000);
    const firstMessageIds = sink.messages.map((m) => m.messageId);
    // Redis keeps the finished send jobs (an hour) after the database that made them is gone. A job
    // is marked completed just after its message reached the sink, so wait for the marks too.
    await eventually(
      async () => expect(await first.deps.queues.email.getCompletedCount()).toBe(RUNNERS),
      10_000,
    );
    await first.stop();

    await admin.query(`create database ${names.restored} template ${names.snapshot}`);
    const restored = await start(names.restored);
    try {
      const restoredIds = await sendRound(restored, 'after-restore');
      // The restored sequence hands out the same row ids again.
      expect(restoredIds.sort()).toEqual(firstIds.sort());
      expect(restored.deps.database.lifetime.id()).not.toBe(first.deps.database.lifetime.id());
      const all = await sink.waitForMessages(RUNNERS * 2, 30_000);
      await new Promise((r) => setTimeout(r, 2_000));
      expect(sink.messages).toHaveLength(RUNNERS * 2);
      const newMessageIds = all.slice(RUNNERS).map((m) => m.messageId);
      expect(new Set(newMessageIds).size).toBe(RUNNERS);
      expect(newMessageIds.filter((id) => firstMessageIds.includes(id))).toEqual([]);
      for (const m of all.slice(RUNNERS)) expect(m.parsed.subject).toContain('Trainer after-restore');
    } finally {
      await restored.stop();
    }
  }, 120_000);
});
