import { z } from 'zod';
import { purgeCachedStravaData } from '../../db/repositories/runs.js';
import { DAY_MS } from '../../domain/duration.js';
import { defineJob } from '../definition.js';

/**
 * Strava's API policy limits caching: cached runs and shoes fetched more than
 * STRAVA_CACHE_DAYS ago are deleted (docs/data.md); the next analysis re-reads the
 * window. Detections and plan versions are RampGuard's own and stay.
 */
export const purgeStravaCacheJob = defineJob({
  queue: 'maintenance',
  name: 'purge-strava-cache',
  schema: z.object({}),
  options: () => ({ attempts: 3, backoff: { type: 'exponential', delay: 10_000 } }),
  async process(_data, { deps }) {
    const cutoff = new Date(deps.clock.now().getTime() - deps.config.stravaCacheDays * DAY_MS);
    const purged = await purgeCachedStravaData(deps.db, cutoff);
    deps.logger.info({ ...purged, cutoff }, 'purged cached Strava data');
    return { outcome: 'done', detail: `${purged.runs} runs, ${purged.shoes} shoes` };
  },
});
