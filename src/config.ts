import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * docs/contract.md#environment-variables: every environment variable is parsed here, once, at start-up. No
 * other module reads `process.env`. Invalid values stop the process with one
 * message listing every problem (see `loadConfig`).
 */

const ZBase64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes');

const ZPositiveInt = z.coerce.number().int().positive();

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Where the development-only embedded Redis takes its binary from (before PATH). */
  REDIS_SERVER_BIN: z.string().min(1).optional(),
  ROLE: z.enum(['web', 'worker', 'all']).default('all'),
  STRAVA_CLIENT_ID: z.string().regex(/^\d+$/, 'must be a numeric Strava client id').optional(),
  STRAVA_CLIENT_SECRET: z.string().min(1).optional(),
  STRAVA_VERIFY_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  STRAVA_SUBSCRIPTION_ID: z.string().regex(/^\d+$/, 'must be numeric').optional(),
  STRAVA_API_URL: z.url().default('https://www.strava.com/api/v3'),
  STRAVA_OAUTH_URL: z.url().default('https://www.strava.com/oauth'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('RampGuard <no-reply@localhost>'),
  TOKEN_ENCRYPTION_KEY: ZBase64Key.optional(),
  /** Comma-separated old keys, still accepted for decryption until `npm run keys:rotate` has run. */
  TOKEN_ENCRYPTION_KEYS_OLD: z
    .string()
    .refine(
      (v) => v.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32),
      'must be comma-separated base64 keys of exactly 32 bytes each',
    )
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  WINDOW_DAYS: ZPositiveInt.min(60, 'detection needs at least 60 days').max(365).default(84),
  STRAVA_CACHE_DAYS: ZPositiveInt.max(7, "Strava's API policy allows at most 7 days").default(7),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Not in docs/contract.md#environment-variables, the team's own knobs:
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .default('rampguard'),
  /** Reverse proxies in front of the web role; their X-Forwarded-For and -Proto are trusted (docs/front-door.md). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Bearer token `/metrics` requires when set (docs/front-door.md#metrics). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Bind address of the HTTP listener (a container needs the wildcard; benchmarks bind loopback only). */
  HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('0.0.0.0'),
  /** Web processes forked by `node:cluster` for ROLE=web (docs/scaling.md); default: the machine's cores. */
  WEB_CONCURRENCY: ZPositiveInt.max(64).optional(),
  SHUTDOWN_TIMEOUT_MS: ZPositiveInt.default(25_000),
  /** Postgres connections per process; default derived from the role's job concurrency (docs/capacity.md). */
  DATABASE_POOL_SIZE: ZPositiveInt.min(2).max(200).optional(),
  /** Test knobs (fault tests): how often the inbox and outbox sweepers run, and when work counts as stale. */
  SWEEP_INTERVAL_MS: ZPositiveInt.optional(),
  SWEEP_STALE_AFTER_MS: ZPositiveInt.optional(),
});

export type Role = 'web' | 'worker' | 'all';

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  /** REDIS_URL, or docs/contract.md#environment-variables `redis://127.0.0.1:6379` when unset and no embedded Redis is due. */
  redisUrl: string;
  /**
   * REDIS_URL unset in development: main.ts starts a private redis-server and
   * replaces `redisUrl` before anything connects (docs/embedded-redis.md).
   */
  embeddedRedis: boolean;
  redisServerBin: string | undefined;
  /** PATH, searched for `redis-server` after REDIS_SERVER_BIN. */
  executableSearchPath: string;
  role: Role;
  /** Sandbox mode: no Strava credentials, the built-in simulator stands in for Strava. */
  sandbox: boolean;
  strava: Readonly<{
    clientId: string;
    clientSecret: string;
    verifyToken: string;
    subscriptionId: string | undefined;
    apiUrl: string;
    oauthUrl: string;
  }>;
  smtpUrl: string | undefined;
  mailFrom: string;
  tokenEncryptionKey: Buffer;
  /** Key id stored with every ciphertext so keys can rotate (`npm run keys:rotate`). */
  tokenKeyId: string;
  /** Earlier keys (`TOKEN_ENCRYPTION_KEYS_OLD`): decryption only, never used to encrypt. */
  oldTokenKeys: readonly Buffer[];
  sessionSecret: string;
  adminPassword: string | undefined;
  windowDays: number;
  stravaCacheDays: number;
  logLevel: string;
  queuePrefix: string;
  trustProxyHops: number;
  metricsToken: string | undefined;
  host: string;
  /** How many web processes ROLE=web runs (1 = no cluster); see docs/scaling.md. */
  webConcurrency: number;
  shutdownTimeoutMs: number;
  /** DATABASE_POOL_SIZE: unset means derived from the role (src/jobs/capacity.ts, docs/capacity.md). */
  databasePoolSize: number | undefined;
  /** Overrides the inbox and outbox sweepers' schedule (default: each job's own interval). */
  sweepIntervalMs: number | undefined;
  /** Overrides when unfinished inbox work and unsent outbox rows count as stale (default: each sweeper's own). */
  sweepStaleAfterMs: number | undefined;
  /** Secrets generated for development (logged as a warning at start-up). */
  generatedSecrets: readonly string[];
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** docs/contract.md#environment-variables's REDIS_URL default: what `NODE_ENV=test` uses when REDIS_URL is unset. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The simulator's fixed sandbox credentials (only meaningful against our own simulator). */
export const SANDBOX_CLIENT_ID = '1000';
export const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';

type DevSecrets = { tokenEncryptionKey: string; sessionSecret: string; verifyToken: string };

/** Development secrets persist under DATA_DIR so sessions and tokens survive restarts. */
function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  const secrets: DevSecrets = {
    tokenEncryptionKey: randomBytes(32).toString('base64'),
    sessionSecret: randomBytes(32).toString('base64url'),
    verifyToken: randomBytes(16).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.') || '(environment)';
  return `${name}: ${issue.message}`;
}

/** Parses an environment (normally `process.env`) into a frozen Config, or throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means unset, as shells and compose files write it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnv.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const e = parsed.data;
  const problems: string[] = [];
  const isProduction = e.NODE_ENV === 'production';
  const sandbox = !e.STRAVA_CLIENT_ID && !e.STRAVA_CLIENT_SECRET;

  if (Boolean(e.STRAVA_CLIENT_ID) !== Boolean(e.STRAVA_CLIENT_SECRET)) {
    problems.push(
      'STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET: set both (real Strava) or neither (sandbox mode)',
    );
  }
  if (isProduction) {
    for (const name of [
      'TOKEN_ENCRYPTION_KEY',
      'SESSION_SECRET',
      'STRAVA_VERIFY_TOKEN',
      'PUBLIC_URL',
    ] as const) {
      if (!e[name])
        problems.push(`${name}: required when NODE_ENV=production (no generated secrets in production)`);
    }
    if (sandbox)
      problems.push('STRAVA_CLIENT_ID: required when NODE_ENV=production (sandbox mode is for development)');
    if (!e.REDIS_URL)
      problems.push('REDIS_URL: required when NODE_ENV=production (the embedded Redis is for development)');
    if (e.PUBLIC_URL && !servesOverHttps(e.PUBLIC_URL)) {
      problems.push(
        `PUBLIC_URL: must be https:// when NODE_ENV=production (got ${new URL(e.PUBLIC_URL).origin}); sign-in cookies and Strava's OAuth redirect need HTTPS. Only localhost may use http:`,
      );
    }
  } else if (e.NODE_ENV === 'development' && !e.REDIS_URL && e.ROLE !== 'all') {
    problems.push(
      `REDIS_URL: required with ROLE=${e.ROLE} (separate web and worker processes must share one Redis; the embedded Redis serves ROLE=all only)`,
    );
  }
  if (e.STRAVA_VERIFY_TOKEN && e.STRAVA_VERIFY_TOKEN === e.STRAVA_CLIENT_SECRET) {
    problems.push('STRAVA_VERIFY_TOKEN: must not equal the client secret');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const generatedSecrets: string[] = [];
  const needsDevSecrets = !e.TOKEN_ENCRYPTION_KEY || !e.SESSION_SECRET || !e.STRAVA_VERIFY_TOKEN;
  const dev = needsDevSecrets ? loadOrCreateDevSecrets(path.resolve(e.DATA_DIR)) : undefined;
  const pick = (value: string | undefined, name: string, fallback: string | undefined): string => {
    if (value) return value;
    generatedSecrets.push(name);
    return fallback as string;
  };
  const tokenKey = pick(e.TOKEN_ENCRYPTION_KEY, 'TOKEN_ENCRYPTION_KEY', dev?.tokenEncryptionKey);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');

  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    redisUrl: e.REDIS_URL ?? DEFAULT_REDIS_URL,
    embeddedRedis: !e.REDIS_URL && e.NODE_ENV === 'development',
    redisServerBin: e.REDIS_SERVER_BIN,
    executableSearchPath: env.PATH ?? '',
    role: e.ROLE,
    sandbox,
    strava: Object.freeze({
      clientId: e.STRAVA_CLIENT_ID ?? SANDBOX_CLIENT_ID,
      clientSecret: e.STRAVA_CLIENT_SECRET ?? SANDBOX_CLIENT_SECRET,
      verifyToken: pick(e.STRAVA_VERIFY_TOKEN, 'STRAVA_VERIFY_TOKEN', dev?.verifyToken),
      subscriptionId: e.STRAVA_SUBSCRIPTION_ID,
      // Sandbox mode points the client at the simulator served by this very process.
      apiUrl: sandbox && !present.STRAVA_API_URL ? `${publicUrl}/sim/api/v3` : e.STRAVA_API_URL,
      oauthUrl: sandbox && !present.STRAVA_OAUTH_URL ? `${publicUrl}/sim/oauth` : e.STRAVA_OAUTH_URL,
    }),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    tokenEncryptionKey: Buffer.from(tokenKey, 'base64'),
    tokenKeyId: keyIdOf(Buffer.from(tokenKey, 'base64')),
    oldTokenKeys: Object.freeze(
      (e.TOKEN_ENCRYPTION_KEYS_OLD ?? '')
        .split(',')
        .filter((k) => k.trim() !== '')
        .map((k) => Buffer.from(k.trim(), 'base64')),
    ),
    sessionSecret: pick(e.SESSION_SECRET, 'SESSION_SECRET', dev?.sessionSecret),
    adminPassword: e.ADMIN_PASSWORD,
    windowDays: e.WINDOW_DAYS,
    stravaCacheDays: e.STRAVA_CACHE_DAYS,
    logLevel: e.LOG_LEVEL,
    queuePrefix: e.QUEUE_PREFIX,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    metricsToken: e.METRICS_TOKEN,
    host: e.HOST,
    webConcurrency: webConcurrencyOf(
      e.ROLE,
      e.WEB_CONCURRENCY,
      e.DATABASE_URL !== undefined && Boolean(e.REDIS_URL),
    ),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    sweepStaleAfterMs: e.SWEEP_STALE_AFTER_MS,
    generatedSecrets: Object.freeze(generatedSecrets),
  });
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Production means HTTPS (docs/front-door.md#production-means-https): an
 * http: PUBLIC_URL is accepted only for a loopback host (a local production-like run).
 */
function servesOverHttps(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost');
}

/**
 * Only ROLE=web forks: workers scale by job concurrency, and ROLE=all is the
 * one-process development mode. The embedded database (PGlite) and the
 * embedded Redis belong to one process, so without both DATABASE_URL and
 * REDIS_URL there is never more than one.
 */
function webConcurrencyOf(role: Role, requested: number | undefined, sharedServices: boolean): number {
  if (role !== 'web' || !sharedServices) return 1;
  return requested ?? availableParallelism();
}

/**
 * WINDOW_DAYS alone, parsed and bounded exactly as for the service: for tools
 * that must use the service's window without its whole configuration
 * (`npm run analyze`, docs/analyze.md).
 */
export function windowDaysFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WINDOW_DAYS === '' ? undefined : env.WINDOW_DAYS;
  const parsed = ZEnv.shape.WINDOW_DAYS.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError([`WINDOW_DAYS: ${parsed.error.issues[0]?.message ?? 'invalid'}`]);
  return parsed.data;
}

/** A short, non-secret fingerprint of a key: identifies which key encrypted a token. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('rampguard-token-key').update(key).digest('hex').slice(0, 8);
}
