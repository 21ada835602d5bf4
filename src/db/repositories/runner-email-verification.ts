import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { runners } from '../schema/index.js';

/**
 * Marks the runner's address verified, only while it is still `email` (if the
 * runner changed it since the link was read, nothing is verified). coalesce
 * keeps the first time: a repeat is a no-op. True when the row matched.
 */
export async function markRunnerEmailVerified(
  tx: DbOrTx,
  runnerId: string,
  email: string,
  now: Date,
): Promise<boolean> {
  const updated = await tx
    .update(runners)
    .set({
      emailVerifiedAt: sql`coalesce(${runners.emailVerifiedAt}, ${now.toISOString()}::timestamptz)`,
      updatedAt: now,
    })
    .where(and(eq(runners.id, runnerId), eq(runners.email, email)))
    .returning({ id: runners.id });
  return updated.length > 0;
}
