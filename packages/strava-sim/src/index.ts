/**
 * The Strava simulator: OAuth, the API endpoints RampGuard uses, rate limits, fault injection and
 * a webhook producer with Strava's quirks (README.md). Self-contained on purpose: it imports
 * nothing from the service, so it cannot share its bugs.
 */

export { API_ROUTES } from './api/routes.js';
export type { SimClock } from './clock.js';
// In-process commands: a harness in the same process changes the simulator's state without HTTP
// (the control API does the same over HTTP). Each returns the webhook events it published.
export { type CommandResult, createActivity, deleteActivity, updateActivity } from './commands/activities.js';
export type { SimContext } from './context.js';
export {
  type AuthorizeInput,
  type AuthorizeResult,
  createSimControl,
  type SimControl,
} from './control-client.js';
export { createSimulator, type Simulator } from './create-simulator.js';
export type { FaultInput, FaultRule } from './faults.js';
export type { ActivityFields, ActivityInput } from './model/activities.js';
export { addShoe, type ShoeInput } from './model/athletes.js';
// Strava's list semantics (filters, order, paging before private activities are removed), for
// property tests of a client's paging rule.
export { type ListQuery, listActivityPage } from './model/list-activities.js';
export type { ApplicationInput, SimulatorOptions } from './options.js';
export { DEFAULT_APPLICATION } from './options.js';
export type { ProducerSettings } from './producer.js';
export { DEFAULT_PRODUCER_SETTINGS } from './producer.js';
export type { RateLimits } from './rate-limit.js';
export { DEFAULT_RATE_LIMITS } from './rate-limit.js';
export { type StartedSimulator, type StartSimulatorOptions, startSimulator } from './start-simulator.js';
export type {
  EventRecord,
  RequestRecord,
  SimActivity,
  SimAthlete,
  SimShoe,
  SimState,
  WebhookEvent,
} from './state.js';
