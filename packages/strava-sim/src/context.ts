import type { Response } from 'express';
import type { Logger } from 'pino';
import type { SimClock } from './clock.js';
import type { Faults } from './faults.js';
import type { Producer } from './producer.js';
import type { RateLimiter } from './rate-limit.js';
import type { SimApplication, SimState } from './state.js';

/** Everything a route or command needs; built once per simulator by createSimulator. */
export type SimContext = {
  state: SimState;
  clock: SimClock;
  producer: Producer;
  faults: Faults;
  rateLimiter: RateLimiter;
  logger: Logger;
  /** Responses held open by a `hang` fault; closed on shutdown. */
  hung: Set<Response>;
  /** Apps whose subscription create is validating right now (a concurrent second one fails). */
  subscribing: Set<string>;
  /** Clears state and restores everything the options configured. */
  reset(): Promise<void>;
};

export function defaultApplication(ctx: SimContext): SimApplication | null {
  return ctx.state.applications.values().next().value ?? null;
}

/** Per-request values, kept outside `res.locals` (typed `any`) on purpose. */
export type SimLocals = {
  /** Path relative to the simulator's mount point: `/api/v3/athlete`, `/oauth/token`. */
  simPath: string;
  clientId: string | null;
  athleteId: string | null;
};

const locals = new WeakMap<Response, SimLocals>();

export function simLocals(res: Response): SimLocals {
  let value = locals.get(res);
  if (!value) {
    value = { simPath: '', clientId: null, athleteId: null };
    locals.set(res, value);
  }
  return value;
}
