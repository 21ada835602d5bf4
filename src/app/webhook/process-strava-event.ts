import { markAnalysisDue } from '../../db/repositories/analysis-due.js';
import { findInboxRow, finishInboxRow, recordInboxFailure } from '../../db/repositories/webhook-inbox.js';
import { summarizeError } from '../../shared/error-shape.js';
import { isRetryable } from '../../shared/errors.js';
import { deauthorizeRunner } from '../deauthorize-runner.js';
import type { AppDeps } from '../deps.js';
import { classifyStravaEvent } from './classify-strava-event.js';

export type ProcessResult = { outcome: 'done' | 'skipped'; detail: string };
export type ProcessAttempt = { attemptsMade: number; maxAttempts: number };

/**
 * Turns one inbox row into its effect (docs/webhooks.md): an analysis request, a
 * verified deauthorization, or nothing. Re-reads the row, so a stale or
 * repeated job (BullMQ is at-least-once) finds it terminal and skips. A
 * failure is counted on the row; the last attempt marks it `dead`.
 */
export async function processStravaEvent(
  deps: AppDeps,
  eventKey: string,
  attempt: ProcessAttempt,
): Promise<ProcessResult> {
  try {
    return await apply(deps, eventKey);
  } catch (err) {
    const final = !isRetryable(err) || attempt.attemptsMade + 1 >= attempt.maxAttempts;
    // By shape only (docs/errors.md): a query's message and parameters stay out of the row.
    const summary = summarizeError(err);
    // The database may be what failed: then the row stays `received` and the sweeper retries later.
    await recordInboxFailure(deps.db, eventKey, summary, final, deps.clock.now()).catch((markErr: unknown) =>
      deps.logger.debug({ eventKey, err: markErr }, 'could not record event failure'),
    );
    throw err;
  }
}

async function apply(deps: AppDeps, eventKey: string): Promise<ProcessResult> {
  const { db, clock } = deps;
  const row = await findInboxRow(db, eventKey);
  if (!row) return { outcome: 'skipped', detail: 'inbox row gone' };
  if (row.status !== 'received') return { outcome: 'skipped', detail: `already ${row.status}` };
  const { runnerId } = row;
  if (runnerId === null) {
    await finishInboxRow(db, eventKey, 'skipped', clock.now());
    return { outcome: 'skipped', detail: 'no runner' };
  }

  const action = classifyStravaEvent(row);
  switch (action.kind) {
    case 'none': {
      await finishInboxRow(db, eventKey, 'done', clock.now());
      return { outcome: 'done', detail: action.reason };
    }
    case 'analyze': {
      const now = clock.now();
      // One transaction: the row is done only if the due mark committed with it.
      const timing = await db.transaction(async (tx) => {
        const won = await finishInboxRow(tx, eventKey, 'done', now);
        return won ? markAnalysisDue(tx, runnerId, now) : null;
      });
      if (!timing) return { outcome: 'skipped', detail: 'finished concurrently' };
      // Nothing running or due: analyse at once; otherwise one follow-up gathers the burst.
      await deps.jobs.requestAnalysis(runnerId, { reason: action.reason, timing });
      return { outcome: 'done', detail: action.reason };
    }
    case 'deauthorize': {
      const result = await deauthorizeRunner(deps, runnerId);
      if (result === 'already_checked') await deps.jobs.scheduleDeauthRecheck(runnerId);
      // A confirmed revocation deleted the runner and, by cascade, this row.
      await finishInboxRow(db, eventKey, 'done', clock.now());
      return { outcome: 'done', detail: `deauthorization ${result}` };
    }
  }
}
