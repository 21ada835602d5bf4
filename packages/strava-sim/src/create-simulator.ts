import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { pino } from 'pino';
import { createApiRouter } from './api/router.js';
import { createSimClock, type SimClock } from './clock.js';
import { type SimContext, simLocals } from './context.js';
import { createControlRouter } from './control/router.js';
import { createFaults, type Faults } from './faults.js';
import { addApplication } from './model/applications.js';
import { createOAuthRouter } from './oauth/router.js';
import type { SimulatorOptions } from './options.js';
import { restoreSnapshot, type Snapshot } from './persistence/snapshot.js';
import { openStateFile, type StateFile } from './persistence/state-file.js';
import { createProducer, DEFAULT_PRODUCER_SETTINGS, type Producer } from './producer.js';
import { createRateLimiter, DEFAULT_RATE_LIMITS, type RateLimiter } from './rate-limit.js';
import { recordRequests } from './request-log.js';
import { seedDemoAthlete } from './seed-demo.js';
import { clearState, createState, type SimSettings, type SimState } from './state.js';
import { FAULTS, sendJson } from './strava-errors.js';
import { parseTimezoneName } from './timezone.js';

export type Simulator = {
  /** Mount under /sim (`parent.use('/sim', sim.app)`) or listen on it directly. */
  app: Express;
  state: SimState;
  producer: Producer;
  clock: SimClock;
  faults: Faults;
  rateLimiter: RateLimiter;
  context: SimContext;
  /** Back to the state the options describe (control API: POST /control/reset). */
  reset(): Promise<void>;
  /** Cancels pending webhook deliveries and drops requests held open by `hang` faults. */
  close(): Promise<void>;
};

/** Builds the simulator: state, producer and the express app with Strava's endpoints. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = createSimClock(options.now);
  const random = options.random ?? Math.random;
  const settings: SimSettings = {
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 21_600,
    codeLifetimeSeconds: options.codeLifetimeSeconds ?? 300,
    defaultTimezone: parseTimezoneName(options.defaultTimezone ?? 'America/Los_Angeles'),
    validationTimeoutMs: options.validationTimeoutMs ?? 2000,
    requestLogLimit: options.requestLogLimit ?? 10_000,
    eventLogLimit: options.eventLogLimit ?? 10_000,
  };
  const state = createState({
    athleteIdStart: options.athleteIdStart ?? '134815',
    activityIdStart: options.activityIdStart ?? '9007199254740993',
    settings,
  });
  const rateLimiter = createRateLimiter(clock, { ...DEFAULT_RATE_LIMITS, ...options.limits });
  const faults = createFaults(clock, random, options.faults ?? []);
  const producer = createProducer({
    state,
    clock,
    logger,
    random,
    settings: { ...DEFAULT_PRODUCER_SETTINGS, ...options.producer },
  });

  // Opened before seeding: a saved state replaces the demo athlete (docs/sandbox.md).
  const stateFile = options.stateFile ? openStateFile(options.stateFile, state, clock, logger) : undefined;

  const ctx: SimContext = {
    state,
    clock,
    producer,
    faults,
    rateLimiter,
    logger,
    hung: new Set(),
    subscribing: new Set(),
    async reset() {
      await producer.reset();
      clearState(state, settings);
      clock.reset();
      faults.reset();
      rateLimiter.reset();
      seed(null);
      stateFile?.scheduleSave();
    },
  };

  function seed(saved: Snapshot | null): void {
    for (const input of options.applications ?? [{}]) addApplication(state, input);
    if (saved) restoreSnapshot(state, clock, saved);
    else if (options.seedDemo) seedDemoAthlete(ctx);
  }
  seed(stateFile?.loaded ?? null);

  const app = buildApp(ctx, options.control !== false, stateFile);
  return {
    app,
    state,
    producer,
    clock,
    faults,
    rateLimiter,
    context: ctx,
    reset: () => ctx.reset(),
    async close() {
      stateFile?.flush();
      await producer.close();
      for (const res of ctx.hung) res.socket?.destroy();
      ctx.hung.clear();
    },
  };
}

function buildApp(ctx: SimContext, control: boolean, stateFile: StateFile | undefined): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(recordRequests(ctx));
  // Every change to the state arrives as a request other than GET: save after each (debounced).
  if (stateFile) {
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') res.on('finish', () => stateFile.scheduleSave());
      next();
    });
  }
  app.use(express.urlencoded({ extended: false, limit: '5mb' }), express.json({ limit: '5mb' }));
  app.use('/oauth', createOAuthRouter(ctx));
  app.use('/api/v3', createApiRouter(ctx));
  if (control) {
    app.use('/control', createControlRouter(ctx));
    app.get('/', (req, res) => res.redirect(302, `${req.baseUrl}/control/ui`));
  }
  app.use((_req, res) => sendJson(res, 404, FAULTS.routeNotFound));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const declared = (err as { status?: unknown }).status;
    const status = typeof declared === 'number' && declared >= 400 && declared < 500 ? declared : 500;
    if (status === 500) ctx.logger.error({ err, path: req.path }, 'sim handler failed');
    if (res.headersSent) return void res.end();
    const message = status === 500 ? 'Internal Server Error' : 'Bad Request';
    if (simLocals(res).simPath.startsWith('/control')) {
      res.status(status).json({ error: { code: status === 500 ? 'internal' : 'invalid_input', message } });
    } else {
      sendJson(res, status, { message, errors: [] });
    }
  });
  return app;
}
