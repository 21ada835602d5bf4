import { z } from 'zod';
import { reviewDuePlans } from '../../app/analysis/review-plans.js';
import { scheduleSendJobs } from '../../email/outbox/schedule-send-job.js';
import { defineJob } from '../definition.js';

/** Applies time-based plan transitions (taper, maintenance, hold progression); scheduled hourly. */
export const reviewPlansJob = defineJob({
  queue: 'maintenance',
  name: 'review-plans',
  schema: z.object({}),
  options: () => ({ attempts: 3, backoff: { type: 'exponential', delay: 30_000 } }),
  async process(_data, { deps }) {
    const { reviewed, outboxIds } = await reviewDuePlans(deps);
    await scheduleSendJobs(deps, outboxIds);
    return { outcome: 'done', detail: `${reviewed} plans reviewed, ${outboxIds.length} emails queued` };
  },
});
