import { accessSync, constants, readdirSync, statSync } from 'node:fs';
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

export type BinarySources = {
  /** REDIS_SERVER_BIN. */
  explicit: string | undefined;
  /** PATH. */
  searchPath: string;
  /**
   * Folders where the `redis-memory-server` npm package leaves the redis-server it
   * builds (`<folder>/<version>/redis-server`); see packageBuildFolders.
   */
  packageBuildFolders: readonly string[];
};

/**
 * Where `redis-memory-server` (installed by the developer, not a dependency of
 * ours) keeps the binary it compiled: its cache under node_modules, or the
 * legacy folder under the home directory (docs/embedded-redis.md#which-binary).
 */
export function packageBuildFolders(projectDir: string, homeDir: string): string[] {
  return [
    path.join(projectDir, 'node_modules', '.cache', 'redis-memory-server', 'redis-binaries'),
    path.join(homeDir, '.cache', 'redis-binaries'),
  ];
}

/** The most recently built `<folder>/<version>/redis-server`, if any. */
function builtByPackage(folders: readonly string[]): string | undefined {
  const found: { file: string; builtAt: number }[] = [];
  for (const folder of folders) {
    let versions: string[];
    try {
      versions = readdirSync(folder);
    } catch {
      continue;
    }
    for (const version of versions) {
      const file = path.join(folder, version, 'redis-server');
      if (isExecutableFile(file)) found.push({ file, builtAt: statSync(file).mtimeMs });
    }
  }
  return found.sort((a, b) => b.builtAt - a.builtAt)[0]?.file;
}

/**
 * The redis-server to run: REDIS_SERVER_BIN when set (and then only it: a
 * wrong explicit path is a mistake to report, not to paper over), else the
 * first `redis-server` on PATH, else one that `redis-memory-server` built.
 */
export function findRedisBinary(sources: BinarySources): string {
  const { explicit, searchPath } = sources;
  if (explicit) {
    if (isExecutableFile(explicit)) return explicit;
    throw new RedisBinaryNotFoundError(`REDIS_SERVER_BIN=${explicit} is not an executable file`);
  }
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'redis-server');
    if (isExecutableFile(candidate)) return candidate;
  }
  const built = builtByPackage(sources.packageBuildFolders);
  if (built) return built;
  throw new RedisBinaryNotFoundError('REDIS_URL is unset and no redis-server is on PATH');
}
