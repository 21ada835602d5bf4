import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { detections, emailOutbox, planVersions, runners, webhookInbox } from '../schema/index.js';
import { loadPlanHistory } from './plans.js';

/** What the demo tour (src/cli/demo) prints, read back from the database after each step. */

export type PlanLine = { version: number; phase: string; sessionsPerWeek: number; since: Date };
export type DetectionLine = {
  id: string;
  kind: string;
  severity: string;
  message: string;
  alertable: boolean;
  localDate: string;
};
export type EmailLine = {
  id: number;
  template: string;
  status: string;
  messageId: string | null;
  sentAt: Date | null;
};

/** The columns a plan line shows. */
const PLAN_LINE = {
  version: planVersions.version,
  phase: planVersions.phase,
  sessionsPerWeek: planVersions.sessionsPerWeek,
  since: planVersions.since,
};

export async function currentPlan(db: Db, runnerId: string): Promise<PlanLine | undefined> {
  const [row] = await db
    .select(PLAN_LINE)
    .from(planVersions)
    .where(eq(planVersions.runnerId, runnerId))
    .orderBy(desc(planVersions.version))
    .limit(1);
  return row;
}

/** Every plan version, oldest first: the plan page's history. */
export function listPlanVersions(db: Db, runnerId: string): Promise<PlanLine[]> {
  return loadPlanHistory(db, runnerId);
}

export async function listDetections(db: Db, runnerId: string): Promise<DetectionLine[]> {
  return db
    .select({
      id: detections.id,
      kind: detections.kind,
      severity: detections.severity,
      message: detections.message,
      alertable: detections.alertable,
      localDate: detections.localDate,
    })
    .from(detections)
    .where(eq(detections.runnerId, runnerId))
    .orderBy(asc(detections.occurredAt), asc(detections.kind));
}

export async function listEmails(db: Db, runnerId: string, afterId = 0): Promise<EmailLine[]> {
  return db
    .select({
      id: emailOutbox.id,
      template: emailOutbox.template,
      status: emailOutbox.status,
      messageId: emailOutbox.messageId,
      sentAt: emailOutbox.sentAt,
    })
    .from(emailOutbox)
    .where(and(eq(emailOutbox.runnerId, runnerId), gt(emailOutbox.id, afterId)))
    .orderBy(asc(emailOutbox.id));
}

/** The analysis bookkeeping a step waits on. */
export async function runnerState(db: Db, runnerId: string) {
  const [row] = await db
    .select({
      lastAnalyzedAt: runners.lastAnalyzedAt,
      analysisDueAt: runners.analysisDueAt,
      backfillStatus: runners.backfillStatus,
      backfillRuns: runners.backfillRuns,
      emailVerifiedAt: runners.emailVerifiedAt,
      timeZone: runners.timezone,
    })
    .from(runners)
    .where(eq(runners.id, runnerId));
  return row;
}

export async function unfinishedEvents(db: Db, runnerId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(webhookInbox)
    .where(and(eq(webhookInbox.runnerId, runnerId), eq(webhookInbox.status, 'received')));
  return row?.n ?? 0;
}

/** The runner row the sign-in just created for an athlete. */
export async function findRunnerIdByAthlete(db: Db, athleteId: string): Promise<string | undefined> {
  const [row] = await db.select({ id: runners.id }).from(runners).where(eq(runners.athleteId, athleteId));
  return row?.id;
}
