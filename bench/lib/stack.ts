/**
 * The benchmark stack, per docs/reliability-rules.md "How to test it on one 2-core
 * machine": a private redis-server (AOF everysec, noeviction; never the
 * machine's shared one), a fresh migrated Postgres database, the Strava
 * simulator and, optionally, the SMTP sink, all on 127.0.0.1; RampGuard roles
 * run as real processes or in-process. Processes run what the Dockerfile
 * ships, the compiled build (`node dist/main.js`, built once per bench run, with
 * the image's NODE_OPTIONS); `--tsx` on a bench's command line runs
 * `node --import tsx src/main.ts` instead, for quick development runs. Every
 * RampGuard process and the bare floor are spawned by `spawnNode` below, the
 * one place that starts a process for the benches. Either way they bind 127.0.0.1 only
 * (HOST). Built on the test helpers (createTestContext,
 * connectRunner, startRedisServer, startSmtpSink) rather than a copy of them.
 */
import './loopback.js';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StartSimulatorOptions } from '@rampguard/strava-sim';
import { eq, sql } from 'drizzle-orm';
import { analyzeRunner } from '../../src/app/analysis/analyze-runner.js';
import { createStravaSubscription } from '../../src/app/strava-subscription.js';
import { runners } from '../../src/db/schema/index.js';
import { QUEUE_NAMES } from '../../src/jobs/queue-names.js';
import { imageNodeOptions } from '../../test/helpers/dockerfile.js';
import { freePort, startRedisServer } from '../../test/helpers/redis-server.js';
import { type SmtpSink, startSmtpSink } from '../../test/helpers/smtp-sink.js';
import { connectRunner, createTestContext, type TestContext } from '../../test/helpers/strava.js';
import { sleep, waitFor } from './machine.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `--tsx`: run RampGuard from source; default: the compiled build the Dockerfile ships. */
export const FROM_SOURCE = process.argv.includes('--tsx');
/**
 * NODE_OPTIONS of RampGuard processes: the image's (Dockerfile `ENV NODE_OPTIONS`) for the
 * compiled build, none under `--tsx`; BENCH_NODE_OPTIONS replaces either (set but empty: none),
 * to compare heap settings (docs/scaling.md#memory).
 */
const NODE_OPTIONS =
  process.env.BENCH_NODE_OPTIONS ??
  (FROM_SOURCE ? '' : imageNodeOptions(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8')));
const NODE_OPTIONS_SOURCE =
  process.env.BENCH_NODE_OPTIONS !== undefined ? 'BENCH_NODE_OPTIONS' : 'the Dockerfile';
/** How RampGuard processes are started, for the Setup line of each RESULTS.md section. */
export const LAUNCH = `${
  FROM_SOURCE ? '`node --import tsx src/main.ts` (source, --tsx)' : '`node dist/main.js` (compiled build)'
} with ${NODE_OPTIONS ? `NODE_OPTIONS="${NODE_OPTIONS}" (from ${NODE_OPTIONS_SOURCE})` : 'no NODE_OPTIONS'}`;

/** A bench's positional arguments, flags (`--tsx`) left out. */
export function positionalArgs(): string[] {
  return process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
}

let built = false;
function ensureBuilt(): void {
  if (FROM_SOURCE || built) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  built = true;
}
const DAY_MS = 86_400_000;

/** Limits no benchmark reaches: the Strava budget is measured, never hit. */
export const UNLIMITED = {
  overallFifteenMin: 10_000_000,
  overallDaily: 100_000_000,
  readFifteenMin: 10_000_000,
  readDaily: 100_000_000,
} as const;

export type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;

export type RoleProcess = {
  role: 'web' | 'worker' | 'all';
  pid: number;
  url: string;
  child: ChildProcess;
  logFile: string;
  /** VmRSS from /proc/<pid>/status, in KiB. */
  rssKb(): number;
  /** SIGTERM and wait for the ordered shutdown; returns the exit code. */
  stop(): Promise<number | null>;
};

export type BenchRunner = { runnerId: string; athleteId: string; email: string; shoeId: string };

export type Stack = {
  ctx: TestContext;
  redis: RedisServer;
  sink: SmtpSink | undefined;
  /** PUBLIC_URL of the web role (its port is reserved up front: the subscription callback needs it). */
  publicUrl: string;
  webPort: number;
  logDir: string;
  /** Spawns RampGuard (see LAUNCH) as `node [nodeArgs] …` with ROLE=role (e.g. nodeArgs `--cpu-prof`). */
  startRole(
    role: RoleProcess['role'],
    extraEnv?: NodeJS.ProcessEnv,
    nodeArgs?: string[],
  ): Promise<RoleProcess>;
  /** Creates the simulator's push subscription for PUBLIC_URL (the web role must be listening). */
  subscribe(): Promise<string>;
  close(): Promise<void>;
};

export async function startStack(
  options: { sim?: StartSimulatorOptions; smtp?: boolean } = {},
): Promise<Stack> {
  console.error(`RampGuard mode: ${LAUNCH}`);
  const redis = await startRedisServer();
  const webPort = await freePort();
  const publicUrl = `http://127.0.0.1:${webPort}`;
  const sink = options.smtp ? await startSmtpSink() : undefined;
  const ctx = await createTestContext({
    sim: { limits: UNLIMITED, requestLogLimit: 500_000, eventLogLimit: 200_000, ...options.sim },
    env: { REDIS_URL: redis.url, PUBLIC_URL: publicUrl, ...(sink ? { SMTP_URL: sink.url } : {}) },
  });
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'rg-bench-logs-'));
  const roles: RoleProcess[] = [];

  return {
    ctx,
    redis,
    sink,
    publicUrl,
    webPort,
    logDir,
    async startRole(role, extraEnv = {}, nodeArgs = []) {
      const port = role === 'worker' ? await freePort() : webPort;
      const proc = await spawnRole(role, port, logDir, nodeArgs, {
        ...ctx.env,
        PORT: String(port),
        ROLE: role,
        LOG_LEVEL: 'warn',
        // One proxy hop: load generators send X-Forwarded-For so the per-ip webhook limit
        // (meant for one Strava address, 600/min) is not what gets measured.
        TRUST_PROXY_HOPS: '1',
        HOST: '127.0.0.1',
        // The compiled build runs with the image's heap options, as it ships (see NODE_OPTIONS).
        ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
        // One web process unless a bench asks for a cluster (WEB_CONCURRENCY in extraEnv).
        WEB_CONCURRENCY: '1',
        ...extraEnv,
      });
      roles.push(proc);
      return proc;
    },
    async subscribe() {
      const created = await createStravaSubscription(ctx.deps);
      return created.id;
    },
    async close() {
      for (const proc of roles.reverse()) await proc.stop().catch(() => undefined);
      await ctx.close().catch((err: Error) => console.error('context close failed:', err.message));
      await sink?.close();
      await redis.stop();
    },
  };
}

function spawnRole(
  role: RoleProcess['role'],
  port: number,
  logDir: string,
  nodeArgs: string[],
  env: NodeJS.ProcessEnv,
): Promise<RoleProcess> {
  ensureBuilt();
  const entry = FROM_SOURCE ? ['--import', 'tsx', 'src/main.ts'] : ['dist/main.js'];
  return spawnNode(role, entry, port, logDir, env, nodeArgs);
}

/** The bare express floor (bench/lib/bare-server.ts) as its own process. */
export async function startBareServer(logDir: string): Promise<RoleProcess> {
  const port = await freePort();
  // The floor runs under tsx (it is bench code, not part of the build); tsx costs nothing per request.
  return spawnNode('web', ['--import', 'tsx', 'bench/lib/bare-server.ts', String(port)], port, logDir, {
    PATH: process.env.PATH,
  });
}

/** `node [nodeArgs] <args>` in the repository, logging to a file; resolves once /readyz answers 200. */
async function spawnNode(
  role: RoleProcess['role'],
  args: string[],
  port: number,
  logDir: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<RoleProcess> {
  const logFile = path.join(logDir, `${role}-${port}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', fd, fd],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let done = false;
  void exited.then(() => {
    done = true;
  });
  await waitFor(
    `${role} /readyz`,
    async () => {
      if (done) throw new Error(`${role} exited early; log ${logFile}:\n${readFileSync(logFile, 'utf8')}`);
      const res = await fetch(`${url}/readyz`).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    60_000,
    200,
  );
  return {
    role,
    pid: child.pid ?? -1,
    url,
    child,
    logFile,
    rssKb: () => rssKb(child.pid ?? -1),
    async stop() {
      if (!done) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export function rssKb(pid: number): number {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)\s+kB/);
  return match ? Number(match[1]) : Number.NaN;
}

/** Maps with at most `limit` calls in flight. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

export type HistoryOptions = {
  /** Runs in the history, one every `everyDays`, the last one `lastDaysAgo` days ago. */
  runs: number;
  everyDays?: number;
  lastDaysAgo?: number;
  distanceM?: number;
};

/** Activities for the simulator's bulk endpoint: steady easy runs in the runner's shoe. */
export function steadyHistory(
  runner: Pick<BenchRunner, 'athleteId' | 'shoeId'>,
  options: HistoryOptions,
  now = Date.now(),
) {
  const every = options.everyDays ?? 2;
  const last = options.lastDaysAgo ?? 2;
  return Array.from({ length: options.runs }, (_, i) => ({
    athleteId: runner.athleteId,
    name: `Easy run ${i}`,
    sport_type: 'Run',
    distance: options.distanceM ?? 8_000,
    moving_time: Math.round((options.distanceM ?? 8_000) * 0.33),
    start_date: new Date(
      now - (last + (options.runs - 1 - i) * every) * DAY_MS - 3 * 3_600_000,
    ).toISOString(),
    gear_id: runner.shoeId,
    has_heartrate: true,
    average_heartrate: 140,
  }));
}

/**
 * Connects `count` simulated athletes the way the OAuth callback does (test
 * helper `connectRunner`: consent on the simulator, code exchange, encrypted
 * tokens), gives each a shoe and a steady history, a verified email address
 * (when asked), and a connection date before that history's end. The plan and
 * cached runs come from one baseline analysis: the connect read, so that
 * history never alerts and every run created afterwards can
 * (docs/alerts.md#what-may-alert).
 */
export async function connectRunners(
  stack: Stack,
  count: number,
  options: { prefix: string; history: HistoryOptions; verifiedEmail?: boolean; baseline?: boolean },
): Promise<BenchRunner[]> {
  const { ctx } = stack;
  const connectedAt = new Date(Date.now() - 3 * DAY_MS);
  const list = await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    8,
    async (i) => {
      const connected = await connectRunner(ctx, { firstname: `${options.prefix}${i}` });
      const shoe = await ctx.simControl.createShoe(connected.athleteId, {
        name: 'Daily trainer',
        distance: 400_000,
        primary: true,
      });
      const email = `${options.prefix.toLowerCase()}-${i}@bench.example`;
      await ctx.deps.db
        .update(runners)
        .set({
          connectedAt,
          ...(options.verifiedEmail ? { email, emailVerifiedAt: new Date() } : {}),
        })
        .where(eq(runners.id, connected.runnerId));
      return { runnerId: connected.runnerId, athleteId: connected.athleteId, email, shoeId: shoe.id };
    },
  );
  const activities = list.flatMap((r) => steadyHistory(r, options.history));
  for (let i = 0; i < activities.length; i += 5_000) {
    await ctx.simControl.createActivities({ activities: activities.slice(i, i + 5_000), notify: false });
  }
  if (options.baseline !== false) {
    await mapLimit(list, 6, async (r) => {
      const result = await analyzeRunner(ctx.deps, r.runnerId);
      if (result.outcome !== 'done') throw new Error(`baseline analysis of ${r.runnerId}: ${result.reason}`);
    });
  }
  return list;
}

/** Jobs not yet finished, per queue (waiting, delayed, active, prioritized). */
export async function pendingJobs(stack: Stack): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of QUEUE_NAMES) {
    if (name === 'maintenance') continue;
    const counts = await stack.ctx.deps.queues[name].getJobCounts(
      'waiting',
      'delayed',
      'active',
      'prioritized',
    );
    out[name] = Object.values(counts).reduce((a, b) => a + b, 0);
  }
  return out;
}

/** Waits until no event, analysis or email job is left and no runner's analysis is due. */
export async function waitForQuiet(stack: Stack, timeoutMs: number): Promise<void> {
  await waitFor(
    'queues to drain',
    async () => {
      const pending = await pendingJobs(stack);
      if (Object.values(pending).some((n) => n > 0)) return undefined;
      const due = await stack.ctx.deps.db.execute(
        sql`select count(*)::int as n from runners where analysis_due_at is not null`,
      );
      const n = (due as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
      return n === 0 ? true : undefined;
    },
    timeoutMs,
    250,
  );
  await sleep(100);
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, 100 ticks a second). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ", utime and stime are fields 12 and 13 (0-based).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
