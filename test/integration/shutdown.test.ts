import { spawn } from 'node:child_process';
import { Queue, QueueEvents } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

describe('graceful shutdown', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('on SIGTERM, drains the running job and exits 0', async () => {
    const env = testEnv({ DATABASE_URL: database.url, REDIS_URL, ROLE: 'worker', LOG_LEVEL: 'info' });
    const prefix = env.QUEUE_PREFIX as string;
    const connection = { url: REDIS_URL };
    const queue = new Queue('maintenance', { connection, prefix });
    const events = new QueueEvents('maintenance', { connection, prefix });
    await events.waitUntilReady();

    // Hold a lock that the purge job needs, so the job is still running when SIGTERM arrives.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table sessions in access exclusive mode');

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    try {
      const active = new Promise<string>((resolve) => events.on('active', ({ jobId }) => resolve(jobId)));
      const job = await queue.add('purge-expired-sessions', {}, { jobId: 'drain-me' });
      expect(await active).toBe(job.id);

      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1_000));
      expect(child.exitCode).toBeNull(); // still draining: the job holds it open
      await locker.query('commit');

      expect(await exited).toBe(0);
      expect(await (await queue.getJob('drain-me'))?.getState()).toBe('completed');
      expect(output).toContain('workers closed');
    } finally {
      child.kill('SIGKILL');
      await locker.end().catch(() => {});
      await queue.obliterate({ force: true });
      await queue.close();
      await events.close();
    }
  }, 60_000);
});
