import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';
import type { Logger } from '../../shared/logger.js';
import { writeEmlFile } from './eml-file.js';
import { composeEml } from './eml-message.js';
import { classifyMailError } from './mail-errors.js';
import type { OutgoingEmail } from './outgoing-email.js';

export type { OutgoingEmail };

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

export type MailerConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'> &
  Partial<Pick<Config, 'sandbox'>>;

/**
 * With SMTP_URL: one pooled SMTP transporter. `maxRequeues: 0` because the pool
 * otherwise re-sends a message whose connection dropped mid-send, a hidden retry
 * that can duplicate mail (docs/email.md#smtp-pool); the outbox owns every retry.
 * Timeouts bound one exchange (the sender's claim on the row outlasts them).
 * Without SMTP_URL: each message becomes an `.eml` file under DATA_DIR/outbox.
 * In sandbox mode an SMTP-sent message gets its `.eml` copy too, so the
 * sandbox mailbox (`/sim/mail`) lists every message sent (docs/sandbox.md).
 */
export function createMailer(config: MailerConfig, logger: Logger): Mailer {
  if (!config.smtpUrl) return createFileMailer(config, logger);
  const smtp = createSmtpMailer(config.smtpUrl, config.mailFrom, logger);
  return config.sandbox ? withEmlCopies(smtp, config, logger) : smtp;
}

/** After each successful send, an `.eml` copy; a failed copy costs only the copy. */
function withEmlCopies(inner: Mailer, config: MailerConfig, logger: Logger): Mailer {
  return {
    ...inner,
    async send(email) {
      const sent = await inner.send(email);
      try {
        await writeEmlFile(config.dataDir, email.messageId, await composeEml(email, config.mailFrom));
      } catch (err) {
        logger.warn(
          { err: { message: (err as Error).message } },
          'could not write the sandbox copy of an email',
        );
      }
      return sent;
    },
  };
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
  logger.info('SMTP_URL is unset: emails are written as .eml files under DATA_DIR/outbox');
  return {
    kind: 'file',
    async send(email) {
      try {
        const file = await writeEmlFile(
          config.dataDir,
          email.messageId,
          await composeEml(email, config.mailFrom),
        );
        // The path names the outbox row, never the recipient.
        logger.info({ file }, 'email written');
        return { messageId: email.messageId, response: `written ${file}` };
      } catch (err) {
        throw classifyMailError(err);
      }
    },
    async close() {},
  };
}
