import type { Config } from '../../config.js';

const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** The domain of MAIL_FROM's address (`RampGuard <no-reply@example.com>` → `example.com`), else PUBLIC_URL's host. */
export function mailDomain(config: Pick<Config, 'mailFrom' | 'publicUrl'>): string {
  const fromDomain = /@([^\s@<>]+)>?\s*$/.exec(config.mailFrom)?.[1];
  if (fromDomain && DOMAIN.test(fromDomain)) return fromDomain.toLowerCase();
  return new URL(config.publicUrl).hostname;
}

/**
 * Derived from the outbox row alone, so every (re-)send of a row carries the
 * same Message-ID and a duplicate after a crash is recognisable as one
 * (docs/email.md#outbox). The database's lifetime id is part of it: a restored
 * or recreated database reuses row ids, and a mail client that has seen a
 * Message-ID drops the next message carrying it (docs/job-ids.md).
 */
export function outboxMessageId(
  config: Pick<Config, 'mailFrom' | 'publicUrl'>,
  lifetimeId: string,
  outboxId: number,
): string {
  return `<outbox-${outboxId}.${lifetimeId}@${mailDomain(config)}>`;
}
