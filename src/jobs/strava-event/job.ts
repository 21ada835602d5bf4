import { z } from 'zod';
import { EVENT_KEY_PATTERN } from '../../app/webhook/event-key.js';
import { processStravaEvent } from '../../app/webhook/process-strava-event.js';
import { defineJob } from '../definition.js';

export const STRAVA_EVENT_ATTEMPTS = 5;

/** Ids only (docs/reliability-rules.md#ids-only-in-job-data): the event key points at the inbox row. */
export const ZStravaEventPayload = z.object({ eventKey: z.string().regex(EVENT_KEY_PATTERN) });
export type StravaEventPayload = z.infer<typeof ZStravaEventPayload>;

/**
 * Processes one inbox row. The job id is the event key, so Strava's repeats
 * collapse while the job exists (docs/webhooks.md#event-key); Postgres holds the long-term dedupe.
 */
export const stravaEventJob = defineJob({
  queue: 'events',
  name: 'process-strava-event',
  schema: ZStravaEventPayload,
  options: ({ eventKey }) => ({
    jobId: eventKey,
    attempts: STRAVA_EVENT_ATTEMPTS,
    // Jitter spreads the retries of a burst that failed together (a database blip).
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
  }),
  process: ({ eventKey }, { deps, attemptsMade }) =>
    processStravaEvent(deps, eventKey, { attemptsMade, maxAttempts: STRAVA_EVENT_ATTEMPTS }),
});
