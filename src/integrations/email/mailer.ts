import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';
import type { Logger } from '../../shared/logger.js';
import { writeEmlFile } from './eml-file.js';
import { classifyMailError } from './mail-errors.js';

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

export type SentEmail = { messageId: string; response: string };

/**
 * The one mail transport of a process. `send` rejects only with
 * `MailDeliveryError` (permanent or transient), so callers never see raw SMTP errors.
 */
export type Mailer = {
  kind: 'smtp' | 'file';
  send(email: OutgoingEmail): Promise<SentEmail>;
  close(): Promise<void>;
};

export type MailerConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>;

/**
 * With SMTP_URL: one pooled SMTP transporter. `maxRequeues: 0` because the pool
 * otherwise re-sends a message whose connection dropped mid-send, a hidden retry
 * that can duplicate mail (reliability.md D.28); the outbox owns every retry.
 * Timeouts bound one exchange (the sender's claim on the row outlasts them).
 * Without SMTP_URL: each message becomes an `.eml` file under DATA_DIR/outbox.
 */
export function createMailer(config: MailerConfig, logger: Logger): Mailer {
  return config.smtpUrl
    ? createSmtpMailer(config.smtpUrl, config.mailFrom, logger)
    : createFileMailer(config, logger);
}

function createSmtpMailer(url: string, from: string, logger: Logger): Mailer {
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxRequeues: 0,
    maxConnections: 3,
    maxMessages: 100,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    dnsTimeout: 5_000,
  });
  // An emitter without an `error` listener would crash the process on a pool error.
  transporter.on('error', (err: Error) => logger.warn({ err }, 'smtp pool error'));
  return {
    kind: 'smtp',
    async send(email) {
      try {
        const info = await transporter.sendMail({ ...email, from });
        return { messageId: email.messageId, response: String(info.response ?? '') };
      } catch (err) {
        throw classifyMailError(err);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

function createFileMailer(config: MailerConfig, logger: Logger): Mailer {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true });
  logger.info('SMTP_URL is unset: emails are written as .eml files under DATA_DIR/outbox');
  return {
    kind: 'file',
    async send(email) {
      try {
        const info = await transporter.sendMail({ ...email, from: config.mailFrom });
        const file = await writeEmlFile(config.dataDir, email.messageId, info.message as Buffer);
        // The path names the outbox row, never the recipient.
        logger.info({ file }, 'email written');
        return { messageId: email.messageId, response: `written ${file}` };
      } catch (err) {
        throw classifyMailError(err);
      }
    },
    async close() {
      transporter.close();
    },
  };
}
