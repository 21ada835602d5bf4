import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { detections, emailOutbox, planVersions, runners, webhookInbox } from '../../db/schema/index.js';

/** What the tour prints, read back from the database after each step. */

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

export async function currentPlan(db: Db, runnerId: string): Promise<PlanLine | undefined> {
  const [row] = await db
    .select({
      version: planVersions.version,
      phase: planVersions.phase,
      sessionsPerWeek: planVersions.sessionsPerWeek,
      since: planVersions.since,
    })
    .from(planVersions)
    .where(eq(planVersions.runnerId, runnerId))
    .orderBy(desc(planVersions.version))
    .limit(1);
  return row;
}

export function describePlan(plan: PlanLine | undefined): string {
  if (!plan) return 'no plan yet';
  return `${plan.phase} (${plan.sessionsPerWeek} sessions a week, version ${plan.version})`;
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

/** Where the file mailer wrote a message (src/integrations/email/eml-file.ts names files after the Message-ID). */
export function emlPath(dataDir: string, messageId: string): string {
  const base = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(dataDir, 'outbox', `${base}.eml`);
}

export type EmlSummary = { subject: string; triggers: string | undefined; text: string };

/** Subject, X-RampGuard-Triggers and the decoded text of an .eml file, without a mail parser. */
export async function readEml(file: string): Promise<EmlSummary> {
  const raw = await readFile(file, 'utf8');
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) =>
    head
      .split(/\r?\n/)
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim();
  return {
    subject: decodeWords(header('Subject') ?? ''),
    triggers: header('X-RampGuard-Triggers'),
    text: decodeQuotedPrintable(raw.slice(split)),
  };
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as nodemailer writes long or non-ASCII subjects. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i] as string;
    const hex = joined.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
