import type { AppDeps } from '../app/deps.js';
import type { Queues } from './queues.js';

/**
 * What one RampGuard process holds: the use cases' deps plus the BullMQ queues behind
 * `deps.jobs`. The workers' schedules, the queue dashboard, the queue-depth metrics and the CLI
 * read the queues themselves; use cases only ever see the `JobQueue` port.
 */
export type ProcessDeps = AppDeps & { queues: Queues };
