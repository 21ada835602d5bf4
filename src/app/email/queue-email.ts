import type { DbOrTx } from '../../db/client.js';
import { emailOutbox } from '../../db/schema/index.js';
import type { OutboxTemplate } from './payloads.js';

export type QueueEmailInput = {
  runnerId: string;
  template: OutboxTemplate;
  /** Unique per (runner, plan change or detection, template): a replay inserts nothing. */
  dedupeKey: string;
  /** Email content only (see payloads.ts): never an address or a token. */
  payload: Record<string, unknown>;
  /** The caller's clock (defaults to the database's `now()`); the 24 h rule and the sweeper compare against it. */
  now?: Date;
};

/**
 * Inserts an outbox row inside the caller's transaction (docs/email.md#outbox).
 * `ON CONFLICT (dedupe_key) DO NOTHING`, never select-then-insert. Returns the
 * new row's id, or null when the key already existed; the caller enqueues the
 * id only after its transaction has committed (`enqueueSendEmails`).
 */
export async function queueEmail(tx: DbOrTx, input: QueueEmailInput): Promise<number | null> {
  const [row] = await tx
    .insert(emailOutbox)
    .values({
      runnerId: input.runnerId,
      template: input.template,
      dedupeKey: input.dedupeKey,
      payload: input.payload,
      ...(input.now ? { createdAt: input.now, nextAttemptAt: input.now } : {}),
    })
    .onConflictDoNothing({ target: emailOutbox.dedupeKey })
    .returning({ id: emailOutbox.id });
  return row?.id ?? null;
}
