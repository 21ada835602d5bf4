import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { runners } from '../schema/index.js';

/** Reads of one runner's row for the pages, the API and the signed links. */

/** The Strava refusal a runner's row may record (docs/strava-quota.md#parking-a-refusal-that-retrying-cannot-fix-stops-all-calls). */
export type { StravaRefusal } from '../schema/runners.js';

export type RunnerRow = typeof runners.$inferSelect;

/** The runner's row; null once the runner was deleted. */
export async function findRunnerRow(db: DbOrTx, runnerId: string): Promise<RunnerRow | null> {
  const [row] = await db.select().from(runners).where(eq(runners.id, runnerId));
  return row ?? null;
}

export async function runnerRowExists(db: DbOrTx, runnerId: string): Promise<boolean> {
  const [row] = await db.select({ id: runners.id }).from(runners).where(eq(runners.id, runnerId));
  return row !== undefined;
}

/** The runner's time zone; null once the runner was deleted. */
export async function findRunnerTimezone(db: DbOrTx, runnerId: string): Promise<string | null> {
  const [runner] = await db
    .select({ timeZone: runners.timezone })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return runner?.timeZone ?? null;
}

/** The runner's current link version (signed links carry it); null once the runner was deleted. */
export async function findRunnerLinkVersion(db: DbOrTx, runnerId: string): Promise<number | null> {
  const [runner] = await db
    .select({ linkVersion: runners.linkVersion })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return runner?.linkVersion ?? null;
}

/** The runner's address and when it was verified; null once the runner was deleted. */
export async function findRunnerEmail(
  db: DbOrTx,
  runnerId: string,
): Promise<{ email: string | null; verifiedAt: Date | null } | null> {
  const [runner] = await db
    .select({ email: runners.email, verifiedAt: runners.emailVerifiedAt })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return runner ?? null;
}
