/**
 * What identifies a runner outside the database, captured in the transaction
 * that deletes their rows: the cleanup steps (docs/disconnect.md) search Redis
 * and DATA_DIR for these and remove what they find.
 */
export type RunnerTrace = {
  runnerId: string;
  athleteId: string;
  firstname: string;
  email: string | null;
  /** Every outbox row the runner had: their `.eml` files are named after them. */
  outboxIds: number[];
  /** Message-IDs stamped on sent rows (a row sent under an earlier database lifetime keeps its own). */
  messageIds: string[];
};
