import os from 'node:os';
import type { Config } from '../../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedRedis } from './embedded-redis.js';
import { findRedisBinary, packageBuildFolders } from './find-redis-binary.js';

export { RedisBinaryNotFoundError } from './find-redis-binary.js';
export { EmbeddedRedisBusyError } from './ownership.js';

export type ResolvedRedis = {
  /** The config to start with: `redisUrl` points at the embedded Redis when one was started. */
  config: Config;
  /** Stops the embedded Redis; a no-op when REDIS_URL was given. Runs last in the ordered shutdown. */
  stop(): Promise<void>;
};

/**
 * Start-up hook, before anything connects to Redis: with REDIS_URL unset in
 * development, start a private redis-server (docs/embedded-redis.md). Throws
 * RedisBinaryNotFoundError, at once, when there is no binary to run.
 */
export async function resolveRedis(config: Config, logger: Logger): Promise<ResolvedRedis> {
  if (!config.embeddedRedis) return { config, stop: async () => {} };
  const binary = findRedisBinary({
    explicit: config.redisServerBin,
    searchPath: config.executableSearchPath,
    packageBuildFolders: packageBuildFolders(process.cwd(), os.homedir()),
  });
  const redis = await startEmbeddedRedis({ binary, dataDir: config.dataDir, logger });
  return { config: Object.freeze({ ...config, redisUrl: redis.url }), stop: () => redis.stop() };
}
