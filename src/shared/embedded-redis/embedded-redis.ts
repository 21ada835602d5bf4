import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { answersPing, freeLoopbackPort } from './free-port.js';
import { claimFolder, recordOwner, releaseFolder } from './ownership.js';

export type EmbeddedRedis = {
  url: string;
  port: number;
  /** SIGTERM (Redis fsyncs its AOF and exits), SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
};

export type EmbeddedRedisOptions = {
  binary: string;
  /** Data and AOF live in `<dataDir>/redis`, so queued jobs survive a restart. */
  dataDir: string;
  logger: Logger;
  /** How long a start (including an AOF replay) may take before it counts as failed. */
  readyTimeoutMs?: number;
};

/** Production-like settings (docs/embedded-redis.md): loopback only, AOF on, never evict BullMQ's keys. */
function serverArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
  ];
}

const RESTART_DELAYS_MS = [200, 1_000, 5_000];

function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/**
 * Starts a private redis-server as a child process and keeps it running:
 * if it dies it is started again on the same port (clients reconnect to the
 * same URL), with a growing delay so a crash loop does not spin.
 *
 * The child gets its own process group, so Ctrl-C in a terminal reaches only
 * RampGuard, whose ordered shutdown stops Redis last, after every client has
 * quit. Should RampGuard exit any other way, an exit hook still stops it.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const { binary, logger } = options;
  const dir = path.join(options.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const orphan = await claimFolder(dir);
  if (orphan !== null)
    logger.warn({ pid: orphan, dir }, 'stopped an embedded Redis left behind by an earlier run');
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  let port = await freeLoopbackPort();
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  const stopOnExit = () => {
    if (isRunning(child)) child.kill('SIGTERM');
  };
  process.once('exit', stopOnExit);

  const launch = async (): Promise<void> => {
    const started = spawn(binary, serverArgs(port, dir), {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    child = started;
    let stderr = '';
    started.stderr?.on('data', (d) => {
      stderr = (stderr + d).slice(-2_000);
    });
    const failed = new Promise<never>((_, reject) => {
      started.once('error', (err) => reject(new Error(`could not run ${binary}: ${err.message}`)));
      started.once('exit', (code, signal) =>
        reject(new Error(`redis-server exited (${signal ?? code}) while starting ${stderr.trim()}`.trim())),
      );
    });
    failed.catch(() => {});
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await Promise.race([answersPing(port), failed]))) {
      if (Date.now() > deadline) {
        started.kill('SIGKILL');
        throw new Error(`redis-server did not answer on 127.0.0.1:${port} within ${readyTimeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (started.pid !== undefined) recordOwner(dir, started.pid, port);
    started.once('exit', (code, signal) => {
      if (stopping) return;
      const delay = RESTART_DELAYS_MS[Math.min(restarts, RESTART_DELAYS_MS.length - 1)] as number;
      restarts += 1;
      logger.error({ code, signal, delayMs: delay }, 'embedded Redis exited, restarting it');
      restartTimer = setTimeout(() => {
        launch().then(
          () => logger.info({ port }, 'embedded Redis restarted'),
          (err: Error) => logger.error({ err: { message: err.message } }, 'embedded Redis restart failed'),
        );
      }, delay);
    });
  };

  try {
    await launch();
  } catch (err) {
    // The port may have been taken between choosing and binding it: one more try on another.
    logger.warn({ err: { message: (err as Error).message } }, 'embedded Redis did not start, retrying');
    port = await freeLoopbackPort();
    try {
      await launch();
    } catch (again) {
      process.removeListener('exit', stopOnExit);
      releaseFolder(dir);
      throw again;
    }
  }
  logger.info({ port, dir, binary }, 'embedded Redis started (REDIS_URL unset; development only)');

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop(graceMs = 10_000) {
      stopping = true;
      clearTimeout(restartTimer);
      const running = child;
      if (isRunning(running)) {
        const exited = once(running, 'exit');
        running.kill('SIGTERM');
        const killer = setTimeout(() => running.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
        logger.info('embedded Redis stopped');
      }
      process.removeListener('exit', stopOnExit);
      releaseFolder(dir);
    },
  };
}
