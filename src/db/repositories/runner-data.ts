import { eq, getTableName, or, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../client.js';
import {
  checkIns,
  detections,
  emailOutbox,
  planVersions,
  runnerEmailAddresses,
  runners,
  runSightings,
  runs,
  sessions,
  shoes,
  stravaTokens,
  webhookInbox,
} from '../schema/index.js';

/** What identifies a runner's rows: the runner id, and the athlete id for rows keyed by Strava's id. */
export type RunnerRef = { id: string; athleteId: string; scopes: string };

export type RunnerTable = {
  name: string;
  table: PgTable;
  /** The rows about this runner. */
  where(runner: RunnerRef): SQL;
  /** What the export shows of a row; default: the whole row. Secrets are left out here. */
  exportRow?(row: Record<string, unknown>, runner: RunnerRef): Record<string, unknown>;
};

function runnerTable(table: PgTable, where: RunnerTable['where'], exportRow?: RunnerTable['exportRow']) {
  return { name: getTableName(table), table, where, ...(exportRow ? { exportRow } : {}) };
}

/**
 * THE list of tables holding rows about a runner (docs/data.md: export returns
 * every row, disconnect deletes every row). Export, deletion and the
 * completeness test (which walks information_schema) all use this list, so a
 * new runner table that is not added here fails that test.
 */
export const RUNNER_TABLES: readonly RunnerTable[] = [
  runnerTable(runners, (r) => eq(runners.id, r.id)),
  // Token values and ciphertexts never leave the database: scopes and expiry only.
  runnerTable(
    stravaTokens,
    (r) => eq(stravaTokens.runnerId, r.id),
    (row, r) => ({ scopes: r.scopes.split(',').filter(Boolean), expiresAt: row.expiresAt }),
  ),
  // The id hash is a credential lookup key: show the session's times only.
  runnerTable(
    sessions,
    (r) => eq(sessions.runnerId, r.id),
    (row) => ({ createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, expiresAt: row.expiresAt }),
  ),
  runnerTable(runs, (r) => eq(runs.runnerId, r.id)),
  runnerTable(shoes, (r) => eq(shoes.runnerId, r.id)),
  runnerTable(runSightings, (r) => eq(runSightings.runnerId, r.id)),
  runnerTable(detections, (r) => eq(detections.runnerId, r.id)),
  runnerTable(planVersions, (r) => eq(planVersions.runnerId, r.id)),
  runnerTable(checkIns, (r) => eq(checkIns.runnerId, r.id)),
  runnerTable(emailOutbox, (r) => eq(emailOutbox.runnerId, r.id)),
  runnerTable(runnerEmailAddresses, (r) => eq(runnerEmailAddresses.runnerId, r.id)),
  // Events can be recorded before the runner is linked (runner_id null): match Strava's owner id too.
  runnerTable(
    webhookInbox,
    (r) => or(eq(webhookInbox.runnerId, r.id), eq(webhookInbox.ownerId, r.athleteId)) as SQL,
  ),
];

/**
 * Tables that hold nothing about any one runner, with the reason. Together
 * with RUNNER_TABLES they must name every table in the schema (tested).
 */
export const APP_TABLES: Readonly<Record<string, string>> = {
  oauth_states: 'sign-in attempts before any runner is known (hash and expiry only)',
  strava_subscription: "the app's single webhook subscription",
  strava_revocations:
    'grants still to revoke at Strava after a runner left: encrypted tokens keyed by a random id, nothing naming the runner; deleted within 48 h',
};

/** What identifies the runner's rows; undefined when the runner is gone. */
export async function loadRunnerRef(tx: DbOrTx, runnerId: string): Promise<RunnerRef | undefined> {
  const [runner] = await tx
    .select({ id: runners.id, athleteId: runners.athleteId, scopes: runners.scopes })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return runner;
}

/** Every row about the runner, by table name, as the export shows it (secrets left out). */
export async function readRunnerRows(
  tx: DbOrTx,
  ref: RunnerRef,
): Promise<Record<string, Record<string, unknown>[]>> {
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const entry of RUNNER_TABLES) {
    const rows = (await tx.select().from(entry.table).where(entry.where(ref))) as Record<string, unknown>[];
    tables[entry.name] = rows.map((row) => (entry.exportRow ? entry.exportRow(row, ref) : row));
  }
  return tables;
}

export type RunnerForDeletion = RunnerRef & { firstname: string; email: string | null };

/** The runner row, locked until the transaction ends; undefined when the runner is gone. */
export async function lockRunnerForDeletion(
  tx: DbOrTx,
  runnerId: string,
): Promise<RunnerForDeletion | undefined> {
  const [runner] = await tx
    .select({
      id: runners.id,
      athleteId: runners.athleteId,
      scopes: runners.scopes,
      firstname: runners.firstname,
      email: runners.email,
    })
    .from(runners)
    .where(eq(runners.id, runnerId))
    .for('update');
  return runner;
}

/** The runner's outbox rows: what identifies their emails outside the database. */
export async function loadOutboxRefs(
  tx: DbOrTx,
  runnerId: string,
): Promise<{ id: number; messageId: string | null }[]> {
  return tx
    .select({ id: emailOutbox.id, messageId: emailOutbox.messageId })
    .from(emailOutbox)
    .where(eq(emailOutbox.runnerId, runnerId));
}

/** Deletes every row about the runner, children first and `runners` last. */
export async function deleteRunnerRows(tx: DbOrTx, ref: RunnerRef): Promise<void> {
  for (const entry of [...RUNNER_TABLES].reverse()) await tx.delete(entry.table).where(entry.where(ref));
}
