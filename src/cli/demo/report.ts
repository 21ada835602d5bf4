import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { PlanLine } from '../../db/repositories/demo-tour-readback.js';

/** How the tour words what it read back: the plan in one line, and the emails the file mailer wrote. */

export function describePlan(plan: PlanLine | undefined): string {
  if (!plan) return 'no plan yet';
  return `${plan.phase} (${plan.sessionsPerWeek} sessions a week, version ${plan.version})`;
}

/** Where the file mailer wrote a message (src/email/transport/eml-file.ts names files after the Message-ID). */
export function emlPath(dataDir: string, messageId: string): string {
  const base = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(dataDir, 'outbox', `${base}.eml`);
}

export type EmlSummary = { subject: string; triggers: string | undefined; text: string };

/** Subject, X-RampGuard-Triggers and the decoded text part of an .eml file. */
export async function readEml(file: string): Promise<EmlSummary> {
  const parsed = await simpleParser(await readFile(file), { skipHtmlToText: true, skipTextToHtml: true });
  const triggers = parsed.headers.get('x-rampguard-triggers');
  return {
    subject: parsed.subject ?? '',
    triggers: typeof triggers === 'string' ? triggers : undefined,
    text: parsed.text ?? '',
  };
}
