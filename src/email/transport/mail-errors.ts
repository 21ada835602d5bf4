import { AppError } from '../../shared/errors.js';

/**
 * A failed delivery, classified at the adapter (docs/reliability-rules.md#failures-are-classified-at-the-boundary, docs/email.md#smtp-pool).
 * `permanent` failures (an SMTP 5xx about the message or its recipient) are never
 * retried and `suppress` the address; everything else (4xx, dropped connections,
 * timeouts, DNS, a full disk in file mode) is transient and the outbox retries it.
 * The message carries codes only: SMTP replies often quote the recipient address.
 */
export class MailDeliveryError extends AppError {
  constructor(
    readonly permanent: boolean,
    readonly suppress: boolean,
    /** e.g. `smtp 550 RCPT TO EENVELOPE`: safe to log and store, never an address. */
    readonly detail: string,
  ) {
    super(permanent ? 'mail_rejected' : 'mail_unavailable', detail, permanent ? 400 : 503, !permanent);
    this.name = 'MailDeliveryError';
  }
}

type NodemailerErrorShape = { code?: unknown; responseCode?: unknown; command?: unknown };

/**
 * Commands whose 5xx says nothing about the recipient: a rejected login or
 * sender is our configuration, so suppressing the runner's address would be
 * wrong. Those stay transient (an operator fixes the setting, retries resume).
 */
const CONFIG_COMMANDS = /^(AUTH|MAIL FROM|EHLO|HELO|LHLO|STARTTLS|CONN|API)/;

export function classifyMailError(err: unknown): MailDeliveryError {
  if (err instanceof MailDeliveryError) return err;
  const shape = (typeof err === 'object' && err !== null ? err : {}) as NodemailerErrorShape;
  const code = typeof shape.code === 'string' ? shape.code : 'EUNKNOWN';
  const responseCode = typeof shape.responseCode === 'number' ? shape.responseCode : undefined;
  const command = typeof shape.command === 'string' ? shape.command : '';
  const detail = ['smtp', responseCode ?? '-', command || '-', code].join(' ');
  const rejected = responseCode !== undefined && responseCode >= 500 && responseCode < 600;
  if (rejected && code !== 'EAUTH' && !CONFIG_COMMANDS.test(command)) {
    return new MailDeliveryError(true, true, detail);
  }
  return new MailDeliveryError(false, false, detail);
}
