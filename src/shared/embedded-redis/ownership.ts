import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `<dir>/owner.json`: which RampGuard process runs the embedded Redis of this
 * DATA_DIR, and that Redis's pid. Two servers appending to one AOF would
 * corrupt it, and a RampGuard killed with SIGKILL leaves its Redis running
 * (docs/embedded-redis.md#one-owner).
 */
type Owner = { ownerPid: number; redisPid: number; port: number };

export class EmbeddedRedisBusyError extends Error {
  constructor(dir: string, ownerPid: number) {
    super(
      `Another RampGuard process (pid ${ownerPid}) runs the embedded Redis in ${dir}. ` +
        'Stop it first, or start this one with another DATA_DIR or with REDIS_URL set.',
    );
    this.name = 'EmbeddedRedisBusyError';
  }
}

function ownerFile(dir: string): string {
  return path.join(dir, 'owner.json');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The command line of a live process, or null. A pid in the file may have been
 * reused since (after a reboot): the command is checked before anything is
 * believed or stopped.
 */
function commandLine(pid: number): string | null {
  if (!isAlive(pid)) return null;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    // No /proc (macOS): ask ps.
  }
  try {
    return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
  } catch {
    return null;
  }
}

function readOwner(dir: string): Owner | null {
  try {
    const parsed = JSON.parse(readFileSync(ownerFile(dir), 'utf8')) as Partial<Owner>;
    if (Number.isInteger(parsed.ownerPid) && Number.isInteger(parsed.redisPid)) return parsed as Owner;
  } catch {
    // Missing or unreadable: nobody owns the folder.
  }
  return null;
}

/**
 * Before starting: refuses when a live RampGuard owns the folder, and stops a
 * Redis left behind by one that died (SIGTERM, so it fsyncs its AOF).
 * Returns the pid of the orphan it stopped, if any.
 */
export async function claimFolder(dir: string): Promise<number | null> {
  const previous = readOwner(dir);
  if (!previous || previous.ownerPid === process.pid) return null;
  if (commandLine(previous.ownerPid)?.includes('node'))
    throw new EmbeddedRedisBusyError(dir, previous.ownerPid);
  if (!commandLine(previous.redisPid)?.includes('redis-server')) return null;
  process.kill(previous.redisPid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && isAlive(previous.redisPid); waited += 50) await sleep(50);
  if (isAlive(previous.redisPid)) process.kill(previous.redisPid, 'SIGKILL');
  return previous.redisPid;
}

export function recordOwner(dir: string, redisPid: number, port: number): void {
  const owner: Owner = { ownerPid: process.pid, redisPid, port };
  writeFileSync(ownerFile(dir), JSON.stringify(owner), { mode: 0o600 });
}

export function releaseFolder(dir: string): void {
  if (readOwner(dir)?.ownerPid === process.pid) rmSync(ownerFile(dir), { force: true });
}
