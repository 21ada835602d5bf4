import type { IncomingMessage } from 'node:http';

export type CappedBody =
  | { kind: 'body'; bytes: Buffer }
  /** Over the cap (declared or sent); the rest was read and dropped. */
  | { kind: 'too_large' }
  /** The client went away (or the request timed out) before the body was complete. */
  | { kind: 'aborted' };

/**
 * Reads a request body of at most `maxBytes`, as express.raw did before the
 * ack path left express (docs/scaling.md#the-ack-path), never inflating.
 * A body over the cap is not kept but still read to its end before the 413,
 * so the client, still sending, sees the answer rather than a reset
 * connection; the server's requestTimeout bounds how long that may take.
 * Never rejects: stream errors are an aborted body.
 */
export function readCappedBody(req: IncomingMessage, maxBytes: number): Promise<CappedBody> {
  const declared = Number(req.headers['content-length']);
  let tooLarge = declared > maxBytes;
  let received = 0;
  let chunks: Buffer[] = [];
  return new Promise((resolve) => {
    let settled = false;
    const settle = (body: CappedBody) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      if (tooLarge) return;
      received += chunk.length;
      if (received > maxBytes) {
        tooLarge = true;
        chunks = [];
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (tooLarge) settle({ kind: 'too_large' });
      // Almost always one chunk: no copy then.
      else
        settle({ kind: 'body', bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) });
    });
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('close', () => settle({ kind: 'aborted' }));
  });
}
