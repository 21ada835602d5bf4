import type { JobsOptions } from 'bullmq';
import type { Database } from '../db/client.js';

/**
 * Every job id and deduplication id is namespaced with the database's
 * lifetime id (docs/job-ids.md): ids derive from row ids and event keys, and a
 * restored or recreated database hands those out again. Without the namespace
 * a new row's job would be swallowed by a finished job of the database that
 * came before (BullMQ ignores an add whose id exists), and its email would
 * never go.
 */
export type JobIdSource = Pick<Database, 'lifetime'>;

export function scopedJobId(database: JobIdSource, id: string): string {
  return `${database.lifetime.id()}-${id}`;
}

/** The options of one add with their job id and deduplication id namespaced. */
export function scopeJobOptions(database: JobIdSource, options: JobsOptions): JobsOptions {
  const scoped: JobsOptions = { ...options };
  if (options.jobId !== undefined) scoped.jobId = scopedJobId(database, options.jobId);
  if (options.deduplication) {
    scoped.deduplication = { ...options.deduplication, id: scopedJobId(database, options.deduplication.id) };
  }
  return scoped;
}
