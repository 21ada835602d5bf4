import type { Logger } from 'pino';
import type { FaultInput } from './faults.js';
import type { ProducerSettings } from './producer.js';
import type { RateLimits } from './rate-limit.js';

export type ApplicationInput = {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  name?: string | undefined;
  callbackDomain?: string | undefined;
  athleteCapacity?: number | null | undefined;
};

export type SimulatorOptions = {
  /** Serve `/control` (JSON API and HTML page). Default true; pass false to expose only Strava. */
  control?: boolean;
  /** pino logger; default silent. */
  logger?: Logger;
  /** Base clock; the control API adds an offset on top. Default: the system clock. */
  now?: () => Date;
  /** Source of randomness for error rates, drops and duplicates (inject for determinism). */
  random?: () => number;
  /** Registered Strava applications; default one: client id 10000, secret `sim-client-secret`. */
  applications?: ApplicationInput[];
  /** Create a demo athlete with two shoes and eight weeks of runs (handy in sandbox mode). */
  seedDemo?: boolean;
  /**
   * Keep the state (athletes, grants, activities, shoes, subscriptions) in this JSON file, so a
   * restart carries on where it stopped; the demo athlete is seeded only when there is no file.
   */
  stateFile?: string;
  limits?: Partial<RateLimits>;
  faults?: FaultInput[];
  producer?: Partial<ProducerSettings>;
  /** Access-token lifetime; Strava's is 21600 s (6 h). Shorten it to test expiry storms. */
  tokenLifetimeSeconds?: number;
  /** Authorization-code lifetime (short-lived, single use). Default 300 s. */
  codeLifetimeSeconds?: number;
  /** IANA zone of new athletes (their activities' default). Default America/Los_Angeles. */
  defaultTimezone?: string;
  /** First generated athlete id. Default 134815. */
  athleteIdStart?: string;
  /** First generated activity id. Default 9007199254740993 (2^53 + 1): precision bugs show at once. */
  activityIdStart?: string;
  /** How long the push-subscription validation GET may take. Strava: 2 s. */
  validationTimeoutMs?: number;
  requestLogLimit?: number;
  eventLogLimit?: number;
};

export const DEFAULT_APPLICATION = {
  clientId: '10000',
  clientSecret: 'sim-client-secret',
  name: 'RampGuard (simulated)',
  callbackDomain: 'localhost',
} as const;
