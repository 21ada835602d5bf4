import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** No usable redis-server: one line that says how to get one (docs/embedded-redis.md). */
export class RedisBinaryNotFoundError extends Error {
  constructor(detail: string) {
    super(
      `No Redis for RampGuard: ${detail}. Install one (apt-get install redis-server, or brew install redis), ` +
        'set REDIS_SERVER_BIN=/path/to/redis-server, or set REDIS_URL=redis://host:6379 to use a running Redis.',
    );
    this.name = 'RedisBinaryNotFoundError';
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The redis-server to run: REDIS_SERVER_BIN when set (and then only it: a
 * wrong explicit path is a mistake to report, not to paper over), else the
 * first `redis-server` on PATH.
 */
export function findRedisBinary(explicit: string | undefined, searchPath: string): string {
  if (explicit) {
    if (isExecutableFile(explicit)) return explicit;
    throw new RedisBinaryNotFoundError(`REDIS_SERVER_BIN=${explicit} is not an executable file`);
  }
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'redis-server');
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new RedisBinaryNotFoundError('REDIS_URL is unset and no redis-server is on PATH');
}
