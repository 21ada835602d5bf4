import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';

/**
 * The sandbox mailbox (docs/sandbox.md#sandbox-mail): the `.eml` files under
 * DATA_DIR/outbox, which the mailer writes for every message it sends in
 * sandbox mode. A message's id is its file name without `.eml` (the
 * sanitized Message-ID, see eml-file.ts), so nothing else can be named.
 */

const ID = /^[A-Za-z0-9._-]{1,200}$/;
/** The list shows the newest messages only: a long sandbox session must not make the page slow. */
const LIST_LIMIT = 200;

export type MailSummary = {
  id: string;
  subject: string;
  to: string;
  date: Date;
  /** X-RampGuard-Triggers, for alerts. */
  triggers: string | null;
};

export type MailMessage = MailSummary & {
  from: string;
  text: string;
  /** The HTML part as sent (our own templates), or null for a text-only message. */
  html: string | null;
  raw: Buffer;
};

export function outboxDir(dataDir: string): string {
  return path.join(dataDir, 'outbox');
}

export function isMailId(id: string): boolean {
  return ID.test(id) && !id.startsWith('.');
}

async function parse(id: string, raw: Buffer, fileTime: Date): Promise<MailMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const header = (name: string) => {
    const value = parsed.headers.get(name);
    return typeof value === 'string' ? value : null;
  };
  const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
  return {
    id,
    subject: parsed.subject ?? '(no subject)',
    to,
    from: parsed.from?.text ?? '',
    date: parsed.date ?? fileTime,
    triggers: header('x-rampguard-triggers'),
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    raw,
  };
}

/** One message, or null when there is no such file. */
export async function readMail(dataDir: string, id: string): Promise<MailMessage | null> {
  if (!isMailId(id)) return null;
  const file = path.join(outboxDir(dataDir), `${id}.eml`);
  try {
    const [raw, info] = await Promise.all([readFile(file), stat(file)]);
    return await parse(id, raw, info.mtime);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Every message, newest first (by Date header, then file time), at most LIST_LIMIT. */
export async function listMail(dataDir: string): Promise<MailSummary[]> {
  let names: string[];
  try {
    names = await readdir(outboxDir(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files = await Promise.all(
    names
      .filter((n) => n.endsWith('.eml') && isMailId(n.slice(0, -4)))
      .map(async (name) => {
        const info = await stat(path.join(outboxDir(dataDir), name)).catch(() => null);
        return info ? { id: name.slice(0, -4), mtime: info.mtime } : null;
      }),
  );
  const newest = files
    .filter((f): f is { id: string; mtime: Date } => f !== null)
    .sort((a, b) => b.mtime.getTime() - a.mtime.getTime())
    .slice(0, LIST_LIMIT);
  const messages = await Promise.all(newest.map((f) => readMail(dataDir, f.id)));
  return messages
    .filter((m): m is MailMessage => m !== null)
    .map(({ id, subject, to, date, triggers }) => ({ id, subject, to, date, triggers }))
    .sort((a, b) => b.date.getTime() - a.date.getTime() || b.id.localeCompare(a.id));
}
