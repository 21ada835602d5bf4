import { lt } from 'drizzle-orm';
import { z } from 'zod';
import { oauthStates, sessions } from '../../db/schema/index.js';
import { defineJob } from '../definition.js';

/** Deletes expired web sessions and unused OAuth states (hourly). */
export const purgeExpiredSessionsJob = defineJob({
  queue: 'maintenance',
  name: 'purge-expired-sessions',
  schema: z.object({}),
  options: () => ({ attempts: 3, backoff: { type: 'exponential', delay: 5_000 } }),
  async process(_data, { deps }) {
    const now = deps.clock.now();
    const deletedSessions = await deps.db
      .delete(sessions)
      .where(lt(sessions.expiresAt, now))
      .returning({ id: sessions.idHash });
    const deletedStates = await deps.db
      .delete(oauthStates)
      .where(lt(oauthStates.expiresAt, now))
      .returning({ s: oauthStates.stateHash });
    return { outcome: 'done', detail: `${deletedSessions.length} sessions, ${deletedStates.length} states` };
  },
});
