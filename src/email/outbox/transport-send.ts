import { DeadlineError, withDeadline } from '../../shared/deadline.js';
import { classifyMailError, MailDeliveryError } from '../transport/mail-errors.js';
import type { Mailer } from '../transport/mailer.js';
import type { OutgoingEmail } from '../transport/outgoing-email.js';

/** Bounds one SMTP exchange (nodemailer's own timeouts bound each step); well inside CLAIM_MS. */
const SEND_DEADLINE_MS = 60_000;

/**
 * Hands one email to the mail transport, with no transaction open
 * (docs/outbox.md#claim-send-mark). Null when the server accepted it, else why
 * not: a refusal, a failure, or no answer before the deadline.
 */
export async function sendOverTransport(
  mailer: Mailer,
  email: OutgoingEmail,
): Promise<MailDeliveryError | null> {
  try {
    await withDeadline(mailer.send(email), SEND_DEADLINE_MS, 'smtp send');
    return null;
  } catch (err) {
    return err instanceof DeadlineError
      ? new MailDeliveryError(false, false, 'smtp - - ETIMEDOUT')
      : classifyMailError(err);
  }
}
