import nodemailer from 'nodemailer';
import type { OutgoingEmail } from './outgoing-email.js';

/** RFC 5322's hard limit on a line, in octets, without the CRLF. */
const MAX_LINE_OCTETS = 998;

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });

function fitsEightBit(body: string): boolean {
  return body.split('\n').every((line) => Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS);
}

/**
 * One body part, written as it is: `8bit`, so a link stays on one line and can be
 * copied out of the file (quoted-printable would break it every 76 characters with
 * `=`). A body with a line too long for 8bit falls back to base64, which also
 * keeps links whole once decoded (docs/sandbox.md#sandbox-mail).
 */
function rawPart(contentType: string, body: string): { raw: string } {
  const normalized = body.replace(/\r\n?/g, '\n');
  if (fitsEightBit(normalized)) {
    const crlf = normalized.replace(/\n/g, '\r\n');
    return {
      raw: `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${crlf}`,
    };
  }
  const base64 = Buffer.from(normalized, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return {
    raw: `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64}`,
  };
}

/**
 * The whole message as an `.eml` file holds it: nodemailer writes the headers
 * (encoding and injection-safe folding included); the text and HTML parts are
 * 8bit (see rawPart).
 */
export async function composeEml(email: OutgoingEmail, from: string): Promise<Buffer> {
  const info = await composer.sendMail({
    ...email,
    from,
    text: rawPart('text/plain', email.text),
    html: rawPart('text/html', email.html),
  });
  return info.message as Buffer;
}
