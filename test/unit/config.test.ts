import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'rg-config-'));

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('reports every invalid variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      REDIS_URL: 'http://not-redis',
      ROLE: 'both',
      WINDOW_DAYS: '10',
      STRAVA_CACHE_DAYS: '30',
      TOKEN_ENCRYPTION_KEY: 'short',
      DATA_DIR: tmp(),
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'PORT',
        'REDIS_URL',
        'ROLE',
        'WINDOW_DAYS',
        'STRAVA_CACHE_DAYS',
        'TOKEN_ENCRYPTION_KEY',
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(6);
  });

  it('applies docs/contract.md#environment-variables and sandbox mode without Strava credentials', () => {
    const config = loadConfig({ DATA_DIR: tmp() });
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.role).toBe('all');
    expect(config.windowDays).toBe(84);
    expect(config.stravaCacheDays).toBe(7);
    expect(config.sandbox).toBe(true);
    expect(config.strava.apiUrl).toBe('http://localhost:3000/sim/api/v3');
    expect(config.strava.oauthUrl).toBe('http://localhost:3000/sim/oauth');
    expect(config.generatedSecrets).toEqual([
      'TOKEN_ENCRYPTION_KEY',
      'STRAVA_VERIFY_TOKEN',
      'SESSION_SECRET',
    ]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('persists generated development secrets under DATA_DIR', () => {
    const dir = tmp();
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    expect(b.sessionSecret).toBe(a.sessionSecret);
    expect(b.tokenEncryptionKey.equals(a.tokenEncryptionKey)).toBe(true);
    expect(a.tokenEncryptionKey.length).toBe(32);
  });

  it('refuses generated secrets and sandbox mode in production, listing each', () => {
    const problems = problemsOf({ NODE_ENV: 'production', DATA_DIR: tmp() });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'TOKEN_ENCRYPTION_KEY',
        'SESSION_SECRET',
        'STRAVA_VERIFY_TOKEN',
        'PUBLIC_URL',
        'STRAVA_CLIENT_ID',
        'REDIS_URL',
      ]),
    );
  });

  it('plans an embedded Redis only in development with REDIS_URL unset', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).embeddedRedis).toBe(true);
    expect(loadConfig({ DATA_DIR: tmp(), REDIS_URL: '' }).embeddedRedis).toBe(true);
    const given = loadConfig({ DATA_DIR: tmp(), REDIS_URL: 'redis://10.0.0.5:6379' });
    expect(given.embeddedRedis).toBe(false);
    expect(given.redisUrl).toBe('redis://10.0.0.5:6379');
    // Tests keep docs/contract.md#environment-variables, the machine's Redis.
    // Separate web and worker processes cannot share a private Redis: REDIS_URL is required.
    expect(problemsOf({ DATA_DIR: tmp(), ROLE: 'web' })[0]).toMatch(/^REDIS_URL: required with ROLE=web/);
    expect(problemsOf({ DATA_DIR: tmp(), ROLE: 'worker', REDIS_URL: 'redis://10.0.0.5:6379' })).toEqual([]);
    const test = loadConfig({ NODE_ENV: 'test', DATA_DIR: tmp() });
    expect(test.embeddedRedis).toBe(false);
    expect(test.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://rampguard.example/',
      STRAVA_CLIENT_ID: '12345',
      STRAVA_CLIENT_SECRET: 'secret-value',
      STRAVA_VERIFY_TOKEN: 'verify-token-value',
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      SESSION_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://u@db:5432/rampguard',
      REDIS_URL: 'redis://redis:6379',
      DATA_DIR: tmp(),
    });
    expect(config.sandbox).toBe(false);
    expect(config.embeddedRedis).toBe(false);
    expect(config.publicUrl).toBe('https://rampguard.example');
    expect(config.strava.apiUrl).toBe('https://www.strava.com/api/v3');
    expect(config.generatedSecrets).toEqual([]);
  });

  it('refuses an http PUBLIC_URL in production unless it is localhost (production means HTTPS)', () => {
    const production = {
      NODE_ENV: 'production',
      STRAVA_CLIENT_ID: '12345',
      STRAVA_CLIENT_SECRET: 'secret-value',
      STRAVA_VERIFY_TOKEN: 'verify-token-value',
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      SESSION_SECRET: 'x'.repeat(40),
      REDIS_URL: 'redis://redis:6379',
      DATA_DIR: tmp(),
    };
    const problems = problemsOf({ ...production, PUBLIC_URL: 'http://rampguard.example' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PUBLIC_URL: must be https:\/\/ when NODE_ENV=production/);
    expect(problemsOf({ ...production, PUBLIC_URL: 'http://10.0.0.5:3000' })[0]).toMatch(/^PUBLIC_URL/);
    for (const local of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      expect(problemsOf({ ...production, PUBLIC_URL: local })).toEqual([]);
    }
    // Development and tests may use http anywhere.
    expect(problemsOf({ PUBLIC_URL: 'http://rampguard.example', DATA_DIR: tmp() })).toEqual([]);
  });

  it('takes METRICS_TOKEN, at least 16 characters', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).metricsToken).toBeUndefined();
    expect(loadConfig({ DATA_DIR: tmp(), METRICS_TOKEN: 'm'.repeat(32) }).metricsToken).toBe('m'.repeat(32));
    expect(problemsOf({ DATA_DIR: tmp(), METRICS_TOKEN: 'short' })[0]).toMatch(/^METRICS_TOKEN/);
  });

  it('treats empty variables as unset and requires both Strava credentials or neither', () => {
    expect(problemsOf({ DATABASE_URL: '', DATA_DIR: tmp() })).toEqual([]);
    expect(problemsOf({ STRAVA_CLIENT_ID: '1', DATA_DIR: tmp() })[0]).toMatch(/STRAVA_CLIENT_SECRET/);
  });
});
