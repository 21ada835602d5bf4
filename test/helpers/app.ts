import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { type Running, type StartOptions, startRampGuard } from '../../src/server.js';
import type { Logger } from '../../src/shared/logger.js';
import { silentLogger } from './logger.js';

/** A test environment: own data dir, own queue prefix, fixed dev secrets, an ephemeral port. */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'rg-data-')),
    QUEUE_PREFIX: `rgtest-${randomBytes(4).toString('hex')}`,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    STRAVA_VERIFY_TOKEN: 'test-verify-token',
    LOG_LEVEL: 'silent',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...overrides,
  };
}

/** Starts a RampGuard process in-process (same code path as `npm start`). */
export async function startTestApp(
  env: NodeJS.ProcessEnv,
  options: { logger?: Logger } & Omit<StartOptions, 'config' | 'logger'> = {},
): Promise<Running> {
  return startRampGuard({ config: loadConfig(env), logger: options.logger ?? silentLogger, ...options });
}
