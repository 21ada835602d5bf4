import type { CleanupStep } from './cleanup-step.js';
import { removeLimiterKeys } from './remove-limiter-keys.js';
import { removeMailFiles } from './remove-mail-files.js';
import { removeQueueTraces } from './remove-queue-traces.js';
import { removeRedisKeys } from './remove-redis-keys.js';

/**
 * What runs after a runner's rows are deleted, in order (docs/disconnect.md).
 * Queue records go before the key scan, so BullMQ removes its own keys first.
 */
export const RUNNER_CLEANUP_STEPS: readonly CleanupStep[] = [
  removeMailFiles,
  removeQueueTraces,
  removeLimiterKeys,
  removeRedisKeys,
];
