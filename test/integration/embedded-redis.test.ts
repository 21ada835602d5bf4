import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis } from '../../src/shared/embedded-redis/embedded-redis.js';
import { answersPing } from '../../src/shared/embedded-redis/free-port.js';
import { EmbeddedRedisBusyError } from '../../src/shared/embedded-redis/ownership.js';
import { testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { createCapturingLogger, silentLogger } from '../helpers/logger.js';
import { freePort } from '../helpers/redis-server.js';

/** `npm start` as a newcomer runs it: development, REDIS_URL unset (docs/embedded-redis.md). */
function startMain(env: NodeJS.ProcessEnv) {
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  child.stdout.on('data', (d) => {
    output.text += d;
  });
  child.stderr.on('data', (d) => {
    output.text += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

/** The embedded Redis's URL, from its start-up log line (throws until the line is there). */
async function embeddedRedisUrl(output: { text: string }): Promise<string> {
  const line = output.text.split('\n').find((l) => l.includes('embedded Redis started'));
  if (!line) throw new Error(`no embedded Redis yet:\n${output.text}`);
  return `redis://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

async function untilReady(port: number): Promise<void> {
  const status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status);
  if (status !== 200) throw new Error(`readyz ${status}`);
}

describe('embedded Redis (REDIS_URL unset, development)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('starts a private redis-server, uses it, stops it on SIGTERM, and its AOF brings queued jobs back', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rg-embedded-'));
    // No worker consumes the marker queue, so its job stays queued across the restart.
    const base = testEnv({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      ROLE: 'all',
      LOG_LEVEL: 'info',
    });
    const running: ChildProcess[] = [];
    try {
      const port1 = await freePort();
      const first = startMain({ ...base, PORT: String(port1) });
      running.push(first.child);
      const url = await eventually(() => embeddedRedisUrl(first.output), 30_000);
      expect(url).not.toBe('redis://127.0.0.1:6379');
      // readyz checks Redis too: the service is using the embedded one.
      await eventually(() => untilReady(port1), 30_000);

      const queue = new Queue('embedded-redis-marker', { connection: { url }, prefix: base.QUEUE_PREFIX });
      await queue.add('marker', { n: 1 }, { jobId: 'survives-restart' });
      await queue.close();

      first.child.kill('SIGTERM');
      expect((await first.exited).code, first.output.text).toBe(0);
      expect(first.output.text).toContain('embedded Redis stopped');
      // The private server is gone with the process: nothing answers on its port.
      expect(await answersPing(Number(new URL(url).port))).toBe(false);

      const port2 = await freePort();
      const second = startMain({ ...base, PORT: String(port2) });
      running.push(second.child);
      const url2 = await eventually(() => embeddedRedisUrl(second.output), 30_000);
      await eventually(() => untilReady(port2), 30_000);
      const again = new Queue('embedded-redis-marker', {
        connection: { url: url2 },
        prefix: base.QUEUE_PREFIX,
      });
      const job = await again.getJob('survives-restart');
      expect(job?.data).toEqual({ n: 1 });
      expect(await job?.getState()).toBe('waiting');
      await again.close();
      second.child.kill('SIGTERM');
      expect((await second.exited).code, second.output.text).toBe(0);
    } finally {
      for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('no redis-server to run', () => {
  // Neither REDIS_SERVER_BIN nor PATH offers one: an empty directory stands in for PATH.
  const emptyPath = mkdtempSync(path.join(os.tmpdir(), 'rg-empty-path-'));
  const cases = [
    { name: 'REDIS_SERVER_BIN points nowhere', env: { REDIS_SERVER_BIN: path.join(emptyPath, 'missing') } },
    { name: 'nothing on PATH', env: {} },
  ];
  for (const { name, env } of cases) {
    it(`${name}: one line saying how to get one, exit 1, no retry flood`, async () => {
      const started = startMain(
        testEnv({ NODE_ENV: 'development', PATH: emptyPath, LOG_LEVEL: 'info', PORT: '0', ...env }),
      );
      // A generous watchdog only: the assertion is that the process ended by itself, with code 1.
      const watchdog = setTimeout(() => started.child.kill('SIGKILL'), 60_000);
      const { code, signal } = await started.exited;
      clearTimeout(watchdog);
      expect(signal).toBeNull();
      expect(code).toBe(1);
      const lines = started.output.text.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('apt-get install redis-server');
      expect(lines[0]).toContain('brew install redis');
      expect(lines[0]).toContain('REDIS_URL=');
      expect(started.output.text).not.toContain('ECONNREFUSED');
    }, 90_000);
  }
});

describe('the embedded Redis process', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('is started again on the same port when it dies, and stopped for good by stop()', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rg-embedded-'));
    const captured = createCapturingLogger('info');
    const redis = await startEmbeddedRedis({ binary: 'redis-server', dataDir, logger: captured.logger });
    try {
      const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      await client.connect();
      await client.set('before-crash', '1');
      // SHUTDOWN NOSAVE: Redis exits at once, as in a crash (the AOF, fsynced every second, may lag).
      await client.call('SHUTDOWN', 'NOSAVE').catch(() => {});
      client.disconnect();
      await eventually(async () => {
        if (!captured.text().includes('embedded Redis restarted')) throw new Error('not restarted yet');
      }, 20_000);
      expect(captured.text()).toContain('embedded Redis exited, restarting it');
      expect(await answersPing(redis.port)).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(await answersPing(redis.port)).toBe(false);
  }, 60_000);

  it('refuses a DATA_DIR whose embedded Redis belongs to another live RampGuard process', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rg-embedded-'));
    const first = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(first);
    mkdirSync(path.join(dataDir, 'redis'));
    writeFileSync(
      path.join(dataDir, 'redis', 'owner.json'),
      JSON.stringify({ ownerPid: first.pid, redisPid: first.pid, port: 1 }),
    );
    await expect(
      startEmbeddedRedis({ binary: 'redis-server', dataDir, logger: silentLogger }),
    ).rejects.toBeInstanceOf(EmbeddedRedisBusyError);
  });

  it('stops a Redis left running by a RampGuard that was killed, then starts its own', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rg-embedded-'));
    const port = await freePort();
    mkdirSync(path.join(dataDir, 'redis'));
    const orphan = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
      stdio: 'ignore',
    });
    children.push(orphan);
    await eventually(async () => {
      if (!(await answersPing(port))) throw new Error('orphan not up yet');
    });
    // The owner's pid is no longer a process (a finished child stands in for the killed RampGuard).
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(
      path.join(dataDir, 'redis', 'owner.json'),
      JSON.stringify({ ownerPid: gone.pid, redisPid: orphan.pid, port }),
    );
    const redis = await startEmbeddedRedis({ binary: 'redis-server', dataDir, logger: silentLogger });
    try {
      expect(orphan.exitCode !== null || orphan.signalCode !== null).toBe(true);
      expect(await answersPing(redis.port)).toBe(true);
    } finally {
      await redis.stop();
    }
  }, 60_000);
});
