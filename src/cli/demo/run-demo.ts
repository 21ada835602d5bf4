import { randomBytes, randomInt } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createSimControl, type SimControl } from '@rampguard/strava-sim';
import { Redis } from 'ioredis';
import { readStoredSubscription } from '../../app/strava-subscription.js';
import { loadConfig } from '../../config.js';
import type { Db } from '../../db/client.js';
import {
  currentPlan,
  type DetectionLine,
  type EmailLine,
  findRunnerIdByAthlete,
  listDetections,
  listEmails,
  listPlanVersions,
  type PlanLine,
  runnerState,
  unfinishedEvents,
} from '../../db/repositories/demo-tour-readback.js';
import { formatDay } from '../../email/templates/format.js';
import { QUEUE_NAMES } from '../../jobs/queue-names.js';
import type { Queues } from '../../jobs/queues.js';
import { type Running, startRampGuard } from '../../server.js';
import { resolveRedis } from '../../shared/embedded-redis/resolve-redis.js';
import { createLogger } from '../../shared/logger.js';
import { type Browser, createBrowser, expectStatus, signInWithStrava } from './browser.js';
import { createDemoClock, type DemoClock } from './clock.js';
import { createProgress, type Progress, type ProgressStream } from './progress.js';
import { describePlan, emlPath, readEml } from './report.js';
import {
  CONNECT_DAYS_AGO,
  HISTORY_WEEKS,
  historyRuns,
  type PlannedRun,
  QUIET_HOPS,
  rampWeek,
  startDate,
  steadyRuns,
  totalKm,
} from './scenario.js';

/**
 * `npm run demo`: a guided tour of RampGuard in sandbox mode. Starts the whole
 * service in this process (web and worker, the Strava simulator under /sim,
 * PGlite under a temporary DATA_DIR unless DATABASE_URL is set, Redis at
 * REDIS_URL, emails as .eml files), then plays a runner: connect through the
 * simulator's OAuth, confirm an email address, eight weeks of history read on
 * connect, quiet weeks, a "fine" check-in that tapers the plan, and a week that
 * ramps up ending in new shoes, which raises the plan and sends an alert. Every
 * step goes through the real surfaces (HTTP routes, webhooks posted by the
 * simulator, the queues) and prints what happened. The clock starts 22 days in
 * the past and jumps forward so weeks pass in seconds; it ends at the real now.
 */
export type DemoOptions = {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** The summary (stdout in the CLI). */
  out: NodeJS.WritableStream;
  /** The step list (stderr in the CLI). */
  progress: ProgressStream;
  /** Resolves when the server should stop; default SIGINT or SIGTERM. Unused with --exit. */
  untilStopped?: () => Promise<void>;
};

export type DemoEmail = EmailLine & { file: string | undefined; subject: string | undefined };

export type DemoResult = {
  url: string;
  planUrl: string;
  dataDir: string;
  runnerId: string;
  athleteId: string;
  plan: PlanLine | undefined;
  /** Every plan version, oldest first, and the runner's zone: the plan page's history. */
  history: PlanLine[];
  timeZone: string;
  detections: DetectionLine[];
  emails: DemoEmail[];
  /** The .eml file of the alert the ramp week triggered (file mailer only). */
  alertEmail: string | undefined;
};

const USAGE = 'usage: npm run demo -- [--port 3000] [--data-dir DIR] [--exit]';
const WAIT_MS = 45_000;
const DEMO_EMAIL = 'robin.demo@example.com';

export class DemoUsageError extends Error {}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const args = readArgs(options.argv, options.env);
  const progress = createProgress(options.progress);
  // A fresh directory each time (never the app's own DATA_DIR): the tour starts from an empty database.
  const dataDir = args.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rampguard-demo-'));
  const generatedPrefix = options.env.QUEUE_PREFIX ? undefined : `rgdemo-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    NODE_ENV: 'development',
    PORT: String(args.port),
    DATA_DIR: dataDir,
    PUBLIC_URL: options.env.PUBLIC_URL || `http://localhost:${args.port}`,
    QUEUE_PREFIX: options.env.QUEUE_PREFIX || generatedPrefix,
    LOG_LEVEL: options.env.LOG_LEVEL || 'info',
    // Sandbox mode: no Strava credentials, the built-in simulator stands in.
    STRAVA_CLIENT_ID: undefined,
    STRAVA_CLIENT_SECRET: undefined,
    STRAVA_API_URL: undefined,
    STRAVA_OAUTH_URL: undefined,
    STRAVA_SUBSCRIPTION_ID: undefined,
  };
  const logFile = path.join(dataDir, 'rampguard.log');
  const logger = createLogger({
    level: options.env.LOG_LEVEL || 'info',
    destination: createWriteStream(logFile, { flags: 'a' }),
  });
  // REDIS_URL unset: a private redis-server under the demo's DATA_DIR, as `npm start` does.
  const redis = await resolveRedis(loadConfig(env), logger);
  const config = redis.config;
  await checkRedis(config.redisUrl).catch(async (err: unknown) => {
    await redis.stop();
    throw err;
  });
  const clock = createDemoClock(CONNECT_DAYS_AGO);

  progress.line('RampGuard demo: a runner, their Strava, and their knees (sandbox mode).');
  progress.line();
  const running = await progress.step(
    'Start RampGuard (web + worker in this process, sandbox mode)',
    async () => {
      const value = await startRampGuard({ config, logger, clock }).catch((err: Error) => {
        throw new Error(
          /EADDRINUSE/.test(err.message)
            ? `port ${args.port} is in use; try: npm run demo -- --port 3100`
            : err.message,
        );
      });
      await waitUntil(
        'the sandbox webhook subscription',
        async () => (await readStoredSubscription(value.deps.db)) ?? undefined,
      );
      return {
        value,
        lines: [
          `server ${config.publicUrl} (Strava simulator at ${config.publicUrl}/sim)`,
          `database: ${config.databaseUrl ? 'Postgres (DATABASE_URL)' : `embedded PGlite in ${path.join(dataDir, 'pglite')}`}; Redis ${config.redisUrl}, queue prefix ${config.queuePrefix}`,
          `emails: ${config.smtpUrl ? 'SMTP_URL' : `.eml files in ${path.join(dataDir, 'outbox')}`}; log: ${logFile}`,
          `clock: ${CONNECT_DAYS_AGO} days in the past; the tour fast-forwards to today`,
        ],
      };
    },
  );

  try {
    const tour = new Tour(running, clock, progress, dataDir, config.smtpUrl !== undefined);
    const result = await tour.play();
    printSummary(options.out, result, logFile, !args.exit);
    if (args.exit) return result;
    options.out.write('\nThe server keeps running: press Ctrl-C to stop.\n');
    await (options.untilStopped ?? untilSignal)();
    return result;
  } finally {
    options.progress.write('\nStopping RampGuard…\n');
    await running.stop();
    if (generatedPrefix) await deleteQueueKeys(config.redisUrl, generatedPrefix);
    await redis.stop();
  }
}

function readArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { port: number; exit: boolean; dataDir: string | undefined } {
  let values: {
    port?: string | undefined;
    'data-dir'?: string | undefined;
    exit?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        exit: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new DemoUsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new DemoUsageError(USAGE);
  const port = Number(values.port ?? env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new DemoUsageError(
      `--port must be a port number (PUBLIC_URL and the OAuth callback need a fixed one)\n${USAGE}`,
    );
  }
  return { port, exit: values.exit === true, dataDir: values['data-dir'] };
}

async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(
      `Redis is not reachable at ${url}: start one (e.g. \`docker compose up -d redis\` or \`redis-server\`) or set REDIS_URL`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Keys under a prefix the demo generated for itself, so the user's Redis is left as it was. */
async function deleteQueueKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Best effort: leftover keys under a random prefix harm nothing.
  } finally {
    redis.disconnect();
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1_000} s`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const km = (m: number) => `${(m / 1_000).toFixed(0)} km`;

/** The runner's story, step by step, against the running service. */
class Tour {
  private readonly db: Db;
  private readonly queues: Queues;
  private readonly sim: SimControl;
  private readonly browser: Browser;
  private athleteId = '';
  private runnerId = '';
  private dailyShoe = '';
  private lastEmailId = 0;

  constructor(
    private readonly running: Running,
    private readonly clock: DemoClock,
    private readonly progress: Progress,
    private readonly dataDir: string,
    private readonly smtp: boolean,
  ) {
    this.db = running.deps.db;
    this.queues = running.deps.queues;
    // The demo talks to the server on loopback; PUBLIC_URL is what the server tells browsers and Strava.
    this.sim = createSimControl(`${running.url}/sim`);
    this.browser = createBrowser(running.url);
  }

  async play(): Promise<DemoResult> {
    await this.createRunner();
    await this.connect();
    await this.confirmEmail();
    await this.backfill();
    for (const [i, hop] of QUIET_HOPS.entries()) {
      const from = i === 0 ? CONNECT_DAYS_AGO : (QUIET_HOPS[i - 1] as number);
      await this.quietDays(from, hop);
    }
    await this.checkIn();
    const alertEmail = await this.rampWeek();
    const { publicUrl } = this.running.deps.config;
    return {
      url: publicUrl,
      planUrl: `${publicUrl}/plan`,
      dataDir: this.dataDir,
      runnerId: this.runnerId,
      athleteId: this.athleteId,
      plan: await currentPlan(this.db, this.runnerId),
      history: await listPlanVersions(this.db, this.runnerId),
      timeZone: (await runnerState(this.db, this.runnerId))?.timeZone ?? 'UTC',
      detections: await listDetections(this.db, this.runnerId),
      emails: await this.describeEmails(0),
      alertEmail,
    };
  }

  private async createRunner(): Promise<void> {
    await this.progress.step('Create a runner on the simulated Strava', async () => {
      // A random id: with DATABASE_URL set, an earlier tour's runner must not be picked up again.
      const id = String(70_000_000 + randomInt(20_000_000));
      const athlete = await this.sim.createAthlete({ id, firstname: 'Robin', lastname: 'Demo' });
      this.athleteId = athlete.id;
      const shoe = await this.sim.createShoe(athlete.id, {
        name: 'Daily trainer',
        distance: 300_000,
        primary: true,
      });
      this.dailyShoe = shoe.id;
      const history = historyRuns();
      await this.upload(history, false);
      return {
        value: undefined,
        lines: [
          `Robin Demo (athlete ${athlete.id}), shoes "Daily trainer" (${shoe.id}, 300 km)`,
          `${HISTORY_WEEKS} weeks of history before connecting: ${history.length} runs, ${Math.round(totalKm(history) / HISTORY_WEEKS)} km a week, no events sent`,
        ],
      };
    });
  }

  private async connect(): Promise<void> {
    await this.progress.step('Connect with Strava (OAuth through the simulator)', async () => {
      const signIn = await signInWithStrava(this.browser, this.sim, this.athleteId);
      const me = (await (
        await expectStatus(await this.browser.request('GET', '/api/me'), 200, 'GET /api/me')
      ).json()) as {
        athleteId: string;
        firstname: string;
      };
      const runnerId = await findRunnerIdByAthlete(this.db, me.athleteId);
      if (!runnerId) throw new Error('no runner row after the callback');
      this.runnerId = runnerId;
      return {
        value: undefined,
        lines: [
          `GET /auth/strava → 302 to the consent page (${new URL(signIn.consentUrl).pathname}); "Authorize" for Robin`,
          `callback → code exchanged, tokens stored encrypted, session started → 303 ${signIn.landedOn}`,
          `signed in as ${me.firstname} (athlete ${me.athleteId}); the backfill analysis is queued`,
        ],
      };
    });
  }

  private async confirmEmail(): Promise<void> {
    await this.progress.step('Give and confirm an email address', async (step) => {
      await expectStatus(
        await this.browser.request('PUT', '/api/me/email', { email: DEMO_EMAIL }),
        202,
        'PUT /api/me/email',
      );
      step.update('waiting for the verification email');
      const email = await this.nextEmail('verification');
      const link = await this.verificationLink(email);
      const url = new URL(link);
      await expectStatus(
        await this.browser.request('POST', `${url.pathname}${url.search}`),
        200,
        'POST the verification link',
      );
      const state = await runnerState(this.db, this.runnerId);
      if (!state?.emailVerifiedAt) throw new Error('the address is still unverified');
      return {
        value: undefined,
        lines: [
          `PUT /api/me/email ${DEMO_EMAIL} → verification email ${email.file ?? `(sent via SMTP, outbox ${email.id})`}`,
          'its link opened and confirmed (POST /account/email/verify): alerts can be sent now',
        ],
      };
    });
  }

  private async backfill(): Promise<void> {
    await this.progress.step(
      `Backfill: the first analysis reads the last ${this.running.deps.config.windowDays} days`,
      async (step) => {
        const calls = await this.stravaCalls();
        step.update('analysed at once, the rest in one follow-up');
        const state = await waitUntil('the backfill analysis', async () => {
          const s = await runnerState(this.db, this.runnerId);
          return s?.backfillStatus === 'done' && s.lastAnalyzedAt && s.analysisDueAt === null ? s : undefined;
        });
        await this.settle();
        const found = await listDetections(this.db, this.runnerId);
        return {
          value: undefined,
          lines: [
            `${state.backfillRuns ?? 0} runs read with ${(await this.stravaCalls()) - calls} Strava calls`,
            found.length === 0
              ? 'no ramps in the history'
              : `${found.length} detections in the history (shown on the plan page, never emailed)`,
            `plan: ${describePlan(await currentPlan(this.db, this.runnerId))}, from the day of connecting`,
          ],
        };
      },
    );
  }

  private async quietDays(fromDaysAgo: number, toDaysAgo: number): Promise<void> {
    await this.progress.step(`${fromDaysAgo}→${toDaysAgo} days ago: steady running`, async (step) => {
      this.clock.jumpTo(toDaysAgo);
      // The runner opens their plan now and then, which also keeps the session alive.
      await expectStatus(await this.browser.request('GET', '/api/plan'), 200, 'GET /api/plan');
      const runs = steadyRuns(fromDaysAgo, toDaysAgo);
      const before = await this.snapshot();
      step.update(`${runs.length} runs uploaded, webhooks on their way`);
      await this.upload(runs, true);
      const after = await this.settle({
        analysisAfter: before.at,
        events: runs.length,
        deliveredBefore: before.delivered,
      });
      return {
        value: undefined,
        lines: [
          `${runs.length} runs (${totalKm(runs)} km) uploaded → ${after.delivered - before.delivered} webhooks delivered → ${after.analyses - before.analyses} analysis (the first at once, the rest coalesced), ${after.calls - before.calls} Strava calls`,
          `${after.detections - before.detections} new detections; plan: ${describePlan(await currentPlan(this.db, this.runnerId))}`,
        ],
      };
    });
  }

  private async checkIn(): Promise<void> {
    await this.progress.step('Check in: “my knee feels fine”', async () => {
      const before = await currentPlan(this.db, this.runnerId);
      await expectStatus(
        await this.browser.request('POST', '/api/checkins', { feeling: 'fine' }),
        201,
        'POST /api/checkins',
      );
      await this.settle();
      const after = await currentPlan(this.db, this.runnerId);
      const emails = await this.describeEmails(this.lastEmailId);
      this.lastEmailId = Math.max(this.lastEmailId, ...emails.map((e) => e.id));
      return {
        value: undefined,
        lines: [
          `${CONNECT_DAYS_AGO - (QUIET_HOPS.at(-1) ?? 0)} days since connecting, no new ramp, feeling fine`,
          `plan: ${describePlan(before)} → ${describePlan(after)}`,
          ...emails.map(
            (e) => `${e.template} email: ${e.file ?? e.status}${e.subject ? ` ("${e.subject}")` : ''}`,
          ),
        ],
      };
    });
  }

  private async rampWeek(): Promise<string | undefined> {
    return this.progress.step('Today: a week that ramps up, and a long run in new shoes', async (step) => {
      this.clock.jumpTo(0);
      const newShoe = await this.sim.createShoe(this.athleteId, { name: 'Carbon racer', distance: 0 });
      const runs = rampWeek();
      const before = await this.snapshot();
      const planBefore = await currentPlan(this.db, this.runnerId);
      step.update(`${runs.length} runs uploaded, webhooks on their way`);
      await this.upload(runs, true, newShoe.id);
      const after = await this.settle({
        analysisAfter: before.at,
        events: runs.length,
        deliveredBefore: before.delivered,
      });
      const found = (await listDetections(this.db, this.runnerId)).slice(before.detections);
      const emails = await this.describeEmails(this.lastEmailId);
      this.lastEmailId = Math.max(this.lastEmailId, ...emails.map((e) => e.id));
      const alert = emails.find((e) => e.template === 'alert');
      const triggers = alert?.file ? (await readEml(alert.file)).triggers : undefined;
      const last = runs.at(-1) as PlannedRun;
      return {
        value: alert?.file,
        lines: [
          `${runs.length - 1} runs over 6 days (${totalKm(runs.slice(0, -1))} km) + today ${km(last.distanceM)} in brand-new "Carbon racer" (${newShoe.id})`,
          `→ ${after.delivered - before.delivered} webhooks delivered → ${after.analyses - before.analyses} analysis (a burst: the first at once, the rest in one follow-up), ${after.calls - before.calls} Strava calls`,
          `→ ${found.length} detections:`,
          ...found.map((d) => `   • ${d.kind} (${d.severity}, ${d.localDate}): ${d.message}`),
          `→ plan: ${describePlan(planBefore)} → ${describePlan(await currentPlan(this.db, this.runnerId))}`,
          ...emails.map(
            (e) =>
              `→ ${e.template} email ${e.status}: ${e.file ?? '(SMTP)'}${e.subject ? `\n     subject: ${e.subject}` : ''}${e === alert && triggers ? `\n     X-RampGuard-Triggers: ${triggers}` : ''}`,
          ),
        ],
      };
    });
  }

  /** Creates runs in the simulator; with `notify` it posts their webhooks as Strava would. */
  private async upload(runs: readonly PlannedRun[], notify: boolean, newShoe?: string): Promise<void> {
    const realNow = Date.now();
    await this.sim.createActivities({
      notify,
      activities: runs.map((r) => ({
        athleteId: this.athleteId,
        name: r.name,
        sport_type: 'Run',
        distance: r.distanceM,
        moving_time: Math.round((r.distanceM / 1_000) * 330),
        start_date: startDate(r, realNow),
        gear_id: r.newShoes && newShoe ? newShoe : this.dailyShoe,
        has_heartrate: true,
        average_heartrate: 138 + (r.distanceM % 7_000) / 1_000,
      })),
    });
  }

  private async snapshot() {
    return {
      at: this.clock.now(),
      delivered: await this.deliveredEvents(),
      analyses: await this.analyses(),
      calls: await this.stravaCalls(),
      detections: (await listDetections(this.db, this.runnerId)).length,
    };
  }

  /**
   * Waits until the simulator has delivered `events` more webhooks, every inbox
   * row is finished, (with `analysisAfter`) an analysis that read Strava after
   * that time has committed, no job is queued, and every email row is sent (or
   * cancelled).
   */
  private async settle(options: { analysisAfter?: Date; events?: number; deliveredBefore?: number } = {}) {
    const target = (options.deliveredBefore ?? 0) + (options.events ?? 0);
    await waitUntil('the webhooks', async () =>
      (await this.deliveredEvents()) >= target ? true : undefined,
    );
    await waitUntil('the event jobs', async () =>
      (await unfinishedEvents(this.db, this.runnerId)) === 0 ? true : undefined,
    );
    const after = options.analysisAfter;
    await waitUntil('the analysis', async () => {
      if (after) {
        const s = await runnerState(this.db, this.runnerId);
        if (!s || s.analysisDueAt !== null || !s.lastAnalyzedAt || s.lastAnalyzedAt < after) return undefined;
      }
      return (await this.queuedJobs()) === 0 ? true : undefined;
    });
    await waitUntil('the emails', async () => {
      const pending = (await listEmails(this.db, this.runnerId)).filter((e) => e.status === 'pending');
      return pending.length === 0 ? true : undefined;
    });
    return this.snapshot();
  }

  private async queuedJobs(): Promise<number> {
    let n = 0;
    for (const name of QUEUE_NAMES) {
      if (name === 'maintenance') continue;
      const counts = await this.queues[name].getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      n += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    return n;
  }

  private async deliveredEvents(): Promise<number> {
    const events = await this.sim.listEvents('delivered');
    return events.filter((e) => e.event.owner_id === this.athleteId).length;
  }

  private async analyses(): Promise<number> {
    const list = await this.sim.listRequests('/api/v3/athlete/activities');
    return list.filter((r) => r.athleteId === this.athleteId && (r.query.page ?? '1') === '1').length;
  }

  private async stravaCalls(): Promise<number> {
    const api = await this.sim.listRequests('/api/v3');
    const token = await this.sim.listRequests('/oauth/token');
    return api.filter((r) => !r.path.includes('push_subscriptions')).length + token.length;
  }

  private async nextEmail(template: string): Promise<DemoEmail> {
    return waitUntil(`the ${template} email`, async () => {
      const emails = await this.describeEmails(this.lastEmailId);
      const found = emails.find((e) => e.template === template && e.status === 'sent');
      if (found) this.lastEmailId = Math.max(this.lastEmailId, found.id);
      return found;
    });
  }

  private async describeEmails(afterId: number): Promise<DemoEmail[]> {
    const rows = await listEmails(this.db, this.runnerId, afterId);
    return Promise.all(
      rows.map(async (row) => {
        const file = !this.smtp && row.messageId ? emlPath(this.dataDir, row.messageId) : undefined;
        const present = file !== undefined && existsSync(file);
        return {
          ...row,
          file: present ? file : undefined,
          subject: present ? (await readEml(file)).subject : undefined,
        };
      }),
    );
  }

  private async verificationLink(email: DemoEmail): Promise<string> {
    if (!email.file)
      throw new Error('with SMTP_URL set, confirm the address from the email, then run the demo again');
    const { text } = await readEml(email.file);
    const link = text.match(/https?:\/\/\S+\/account\/email\/verify\?token=[A-Za-z0-9%._~-]+/)?.[0];
    if (!link) throw new Error(`no verification link in ${email.file}`);
    return link;
  }
}

/**
 * The plan's dates are the plan page's (its history, in the runner's zone). With
 * --exit the server stops right after this, so no URL of it is printed.
 */
function printSummary(
  out: NodeJS.WritableStream,
  result: DemoResult,
  logFile: string,
  serverStays: boolean,
): void {
  const alerts = result.detections.filter((d) => d.alertable);
  const phase = (p: PlanLine) =>
    `${p.phase[0]?.toUpperCase()}${p.phase.slice(1)}, ${p.sessionsPerWeek} sessions a week`;
  const lines = [
    '',
    'What happened',
    `  plan now: ${describePlan(result.plan)}`,
    '  plan history (as the plan page shows it):',
    ...result.history.map((p) => `    ${formatDay(p.since.toISOString(), result.timeZone)}: ${phase(p)}`),
    `  detections: ${result.detections.length} (${alerts.length} from runs after connecting: ${[...new Set(alerts.map((d) => d.kind))].join(', ') || 'none'})`,
    `  emails: ${result.emails.map((e) => `${e.template} (${e.status})`).join(', ')}`,
    '',
    ...(serverStays
      ? [
          'See it yourself',
          `  plan page:   ${result.planUrl}`,
          `  sign in:     open ${result.url}/, click "Connect with Strava" and pick "Robin Demo" on the simulated consent page`,
          `  mailbox:     ${result.url}/sim/mail`,
          `  simulator:   ${result.url}/sim/control/ui (add runs, send events)`,
        ]
      : ['The server has stopped (--exit): run `npm run demo` without --exit to browse the plan page.']),
    `  alert email: ${result.alertEmail ?? '(sent through SMTP_URL)'}`,
    `  all emails:  ${path.join(result.dataDir, 'outbox')}`,
    `  log:         ${logFile}`,
    `  data:        ${result.dataDir}`,
  ];
  out.write(`${lines.join('\n')}\n`);
}
