/**
 * The Strava simulator (docs/strava-api.md): OAuth, the API endpoints RampGuard uses,
 * rate limits, fault injection and a webhook producer with Strava's quirks. Self-contained on
 * purpose: it imports nothing from domain/, app/ or db/, so it cannot share their bugs.
 */

export { API_ROUTES } from './api/routes.js';
export {
  type AuthorizeInput,
  type AuthorizeResult,
  createSimControl,
  type SimControl,
} from './control-client.js';
export { createSimulator, type Simulator } from './create-simulator.js';
export type { FaultInput, FaultRule } from './faults.js';
export type { ApplicationInput, SimulatorOptions } from './options.js';
export { DEFAULT_APPLICATION } from './options.js';
export type { ProducerSettings } from './producer.js';
export { DEFAULT_PRODUCER_SETTINGS } from './producer.js';
export type { RateLimits } from './rate-limit.js';
export { DEFAULT_RATE_LIMITS } from './rate-limit.js';
export { type StartedSimulator, type StartSimulatorOptions, startSimulator } from './start-simulator.js';
export type { EventRecord, SimActivity, SimAthlete, SimShoe, SimState, WebhookEvent } from './state.js';
