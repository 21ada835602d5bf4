import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { imageNodeOptions } from '../helpers/dockerfile.js';
import { freePort, startRedisServer } from '../helpers/redis-server.js';

/**
 * No Docker engine here, so this checks what the image runs, outside Docker:
 * the Dockerfile's build command and CMD, with production configuration, from
 * a directory laid out like the image (dist, migrations, node_modules without
 * the Strava simulator, which the image leaves out: docs/sandbox.md#where-the-simulator-lives).
 */
const SIMULATOR_PACKAGE = '@rampguard/strava-sim';

describe('the production image start command', () => {
  let database: TestDatabase;
  // Production refuses a Redis without AOF and noeviction: use one configured like compose's.
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let imageDir: string;
  const dockerfile = readFileSync('Dockerfile', 'utf8');

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedisServer();
    imageDir = mkdtempSync(path.join(os.tmpdir(), 'rg-image-'));
    // `npm run build`, as the Dockerfile runs it: the simulator's declarations first, then the service.
    execFileSync('npm', ['run', '--silent', 'build', '-w', SIMULATOR_PACKAGE], { stdio: 'inherit' });
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', path.join(imageDir, 'dist')], {
      stdio: 'inherit',
    });
    cpSync('migrations', path.join(imageDir, 'migrations'), { recursive: true });
    cpSync('package.json', path.join(imageDir, 'package.json'));
    // The image's `npm ci --omit=dev` runs without the workspace folder: every package but the simulator.
    mkdirSync(path.join(imageDir, 'node_modules'));
    for (const entry of readdirSync('node_modules')) {
      if (entry === SIMULATOR_PACKAGE.split('/')[0]) continue;
      symlinkSync(path.resolve('node_modules', entry), path.join(imageDir, 'node_modules', entry));
    }
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
    await redis?.stop();
  });

  it('is node dist/main.js as a non-root user, with a health check', () => {
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toContain('COPY --chown=node:node migrations ./migrations');
    // A bounded heap (docs/scaling.md): the start below runs with the same options.
    expect(imageNodeOptions(dockerfile)).toMatch(/--max-old-space-size=\d+/);
  });

  it('starts in production mode, migrates, serves /healthz and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const env = testEnv({
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_URL: 'https://rampguard.example',
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      STRAVA_CLIENT_ID: '4242',
      STRAVA_CLIENT_SECRET: 'prod-like-secret',
      LOG_LEVEL: 'info',
    });
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: imageDir,
      env: { PATH: process.env.PATH, NODE_OPTIONS: imageNodeOptions(dockerfile), ...env },
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
      let ok = false;
      for (let i = 0; i < 100 && !ok; i++) {
        ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ok) await new Promise((r) => setTimeout(r, 200));
      }
      expect(ok, output).toBe(true);
      expect(output).toContain('"role":"all"');
      expect(output).not.toContain('SANDBOX');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses to start in production with an http PUBLIC_URL other than localhost, saying why', () => {
    const env = testEnv({
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://rampguard.example',
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      STRAVA_CLIENT_ID: '4242',
      STRAVA_CLIENT_SECRET: 'prod-like-secret',
    });
    let stderr = '';
    let status: number | null = 0;
    try {
      execFileSync(process.execPath, ['dist/main.js'], {
        cwd: imageDir,
        env: { PATH: process.env.PATH, ...env },
        stdio: 'pipe',
        timeout: 30_000,
      });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
      status = (err as { status: number | null }).status;
    }
    expect(status).toBe(1);
    expect(stderr).toContain('PUBLIC_URL: must be https:// when NODE_ENV=production');
  });

  it('has no simulator: sandbox mode (development, no Strava credentials) says what to do and exits', () => {
    const env = testEnv({ NODE_ENV: 'development', DATABASE_URL: database.url, REDIS_URL: redis.url });
    let stderr = '';
    let status: number | null = 0;
    try {
      execFileSync(process.execPath, ['dist/main.js'], {
        cwd: imageDir,
        env: { PATH: process.env.PATH, ...env },
        stdio: 'pipe',
        timeout: 30_000,
      });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
      status = (err as { status: number | null }).status;
    }
    expect(status).toBe(1);
    expect(stderr).toContain(`sandbox mode needs the Strava simulator (${SIMULATOR_PACKAGE})`);
    expect(stderr).toContain('set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET');
  });

  it('refuses to start in production with generated secrets, naming each problem', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, ['dist/main.js'], {
        cwd: imageDir,
        env: { PATH: process.env.PATH, NODE_ENV: 'production', DATA_DIR: imageDir },
        stdio: 'pipe',
      });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('TOKEN_ENCRYPTION_KEY');
    expect(stderr).toContain('SESSION_SECRET');
  });
});
