/** One message as the outbox sender hands it over; `headers` are already sanitized. */
export type OutgoingEmail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** Full header value, angle brackets included: `<outbox-12@example.com>`. */
  messageId: string;
};
