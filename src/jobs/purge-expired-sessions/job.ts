import { z } from 'zod';
import { deleteExpiredSessions } from '../../db/repositories/expired-sessions.js';
import { defineJob } from '../definition.js';

/** Deletes expired web sessions and unused OAuth states (hourly). */
export const purgeExpiredSessionsJob = defineJob({
  queue: 'maintenance',
  name: 'purge-expired-sessions',
  schema: z.object({}),
  options: () => ({ attempts: 3, backoff: { type: 'exponential', delay: 5_000 } }),
  async process(_data, { deps }) {
    const deleted = await deleteExpiredSessions(deps.db, deps.clock.now());
    return { outcome: 'done', detail: `${deleted.sessions} sessions, ${deleted.states} states` };
  },
});
