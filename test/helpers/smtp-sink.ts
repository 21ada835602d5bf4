import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server for tests (docs/reliability-rules.md#the-fault-rig: the mail sink).
 * Records every accepted message (raw, parsed, Message-ID, envelope) and can be
 * switched to fail in the ways that matter to the outbox:
 * - `tempfail`: 421 to RCPT TO (transient: the outbox retries),
 * - `reject`: 550 to RCPT TO (permanent: the address is suppressed),
 * - `drop-after-250`: accept, answer 250, then cut the connection,
 * - `drop-before-250`: receive the whole message, record it, cut the
 *   connection before answering (the client cannot know it was delivered).
 */
export type SinkMode = 'accept' | 'tempfail' | 'reject' | 'drop-after-250' | 'drop-before-250';

export type SinkMessage = {
  raw: string;
  parsed: ParsedMail;
  messageId: string;
  from: string;
  to: string[];
  /** Date.now() when the message's DATA ended (before parsing): its arrival time, for latency measurements. */
  receivedAt: number;
};

type Rule = { mode: SinkMode; times: number };

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

export async function startSmtpSink() {
  const messages: SinkMessage[] = [];
  /** Every RCPT TO the sink saw, accepted or not. */
  const attempts: string[] = [];
  let rules: Rule[] = [];
  let fallback: SinkMode = 'accept';

  /** The mode for the next transaction: queued one-shot rules first, then the standing mode. */
  const nextMode = (): SinkMode => {
    const rule = rules[0];
    if (!rule) return fallback;
    rule.times -= 1;
    if (rule.times <= 0) rules = rules.slice(1);
    return rule.mode;
  };
  const modeBySession = new Map<string, SinkMode>();

  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    onRcptTo(address, session, callback) {
      attempts.push(address.address);
      const mode = nextMode();
      modeBySession.set(session.id, mode);
      if (mode === 'tempfail') return callback(smtpError(421, 'Try again later'));
      if (mode === 'reject') return callback(smtpError(550, 'No such user here'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const receivedAt = Date.now();
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        messages.push({
          raw,
          parsed,
          messageId: parsed.messageId ?? '',
          from: envelopeAddress(session.envelope.mailFrom),
          to: session.envelope.rcptTo.map((r) => r.address),
          receivedAt,
        });
        const mode = modeBySession.get(session.id) ?? 'accept';
        if (mode === 'drop-before-250') return dropConnection(session);
        callback();
        // A moment for the 250 to reach the client, then the connection dies mid-session.
        if (mode === 'drop-after-250') setTimeout(() => dropConnection(session), 50);
      });
    },
  });

  function dropConnection(session: SMTPServerSession): void {
    for (const connection of server.connections) {
      const c = connection as unknown as { id: string; _socket?: { destroy(): void } };
      if (c.id === session.id) c._socket?.destroy();
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    attempts,
    /** Standing mode for every transaction from now on. */
    setMode(mode: SinkMode) {
      rules = [];
      fallback = mode;
    },
    /** The next `times` transactions use `mode`, then the standing mode again. */
    failNext(mode: SinkMode, times = 1) {
      rules.push({ mode, times });
    },
    async waitForMessages(count: number, timeoutMs = 15_000): Promise<SinkMessage[]> {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`sink has ${messages.length} messages, expected ${count}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages;
    },
    clear() {
      messages.length = 0;
      attempts.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

function envelopeAddress(from: false | { address: string }): string {
  return from ? from.address : '';
}
