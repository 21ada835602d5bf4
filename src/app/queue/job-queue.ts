import type { AnalysisTiming } from '../../db/repositories/analysis-due.js';

/**
 * Connect backfills are interactive: BullMQ takes jobs without a priority before any prioritized
 * one, so re-analyses carry one (docs/strava-quota.md#interactive-work-first).
 */
export type AnalysisPriority = 'interactive' | 'background';

/** One request for a runner's analysis; `reason` says who asked (logged when the add fails). */
export type AnalysisRequest = { reason: string; timing?: AnalysisTiming; priority?: AnalysisPriority };

/**
 * Everything the use cases ask of the job queues, by name (docs/reliability-rules.md#job-definitions).
 * Postgres holds the record of the work; a job is only the reminder to do it, so a lost add is
 * re-added by a sweeper (docs/webhooks.md#sweeper). Implemented by the job layer (`createJobQueue`);
 * the use cases never see BullMQ, its queues or its job ids.
 */
export type JobQueue = {
  /**
   * The volatile half of an analysis request: its job (the durable half is the due mark,
   * `markAnalysisDue`, committed first). At most one waiting and one running analysis per
   * runner. Never throws: a failed add is reported and left to the inbox sweeper. Returns
   * whether the add reached Redis.
   */
  requestAnalysis(runnerId: string, request: AnalysisRequest): Promise<boolean>;
  /** Checks a deauthorization claim again once the last check's answer expires. Never throws. */
  scheduleDeauthRecheck(runnerId: string): Promise<void>;
  /**
   * Hands a committed inbox row's event to the queue after the webhook has answered; batched with
   * other requests' (docs/scaling.md). A failed hand-off is reported; the inbox sweeper adds it.
   */
  handOffStravaEvent(eventKey: string): void;
  /**
   * Sends the events handed off so far without waiting for their linger; resolves once each has
   * reached Redis or been reported (shutdown, and tests that read a job right after the 200).
   */
  flushEventHandOffs(): Promise<void>;
  /**
   * The inbox sweeper's add for an unfinished row: `pending` when its job still waits or runs; a
   * finished job with its id (which would swallow the add) is removed first, then it is `added`.
   */
  reenqueueStravaEvent(eventKey: string): Promise<'added' | 'pending'>;
  /** One attempt at revoking a kept grant, delayed until `at`. Never throws (the revocation sweep re-adds). */
  enqueueRevocation(revocationId: string, attempt: number, at: Date): Promise<void>;
  /** The send job of one outbox row; a second add while it exists is a no-op. Rejects when Redis is away. */
  scheduleSendJob(outboxId: number): Promise<void>;
  /**
   * The outbox sweeper's add for a row still pending and due: a finished send job for it ran too
   * early or gave up, so it is removed and the row gets a fresh one; a waiting or active one is
   * left alone. Rejects when Redis is away.
   */
  requeueSendJob(outboxId: number): Promise<void>;
  /**
   * Removes every job record and queue event whose text `names` (a runner who leaves,
   * docs/disconnect.md); returns how many. A job running right now is not removed: it forgets
   * itself when it finishes.
   */
  removeJobsNaming(names: (text: string) => boolean): Promise<number>;
};
