import type { MailDeliveryError } from '../transport/mail-errors.js';
import type { Decision } from './claim-outbox-email.js';
import type { OutboxTemplate } from './payloads.js';

/** How one send of an outbox row ended: decided without a send, sent, or to be retried. */
export type Delivery =
  | Decision
  | { outcome: 'sent'; template: OutboxTemplate; outboxId: number; folded: number }
  | { outcome: 'retry'; template: OutboxTemplate; outboxId: number; error: MailDeliveryError };
