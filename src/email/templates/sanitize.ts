/**
 * Header-injection guard (docs/email.md#header-injection). Strava names and titles are runner-controlled and
 * may contain CR, LF, U+2028, U+2029 or other separators; none may reach a header as a line break.
 */

/** Everything a mail client or parser might treat as a line break, plus other control characters. */
const BREAKS_AND_CONTROLS = /[\p{Cc}\u2028\u2029]/gu;
/** Bidirectional overrides let a name visually rewrite the rest of a subject line. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Subjects longer than this are cut (RFC 5322 recommends lines under 78 characters; 200 is plenty). */
export const MAX_HEADER_CHARS = 200;

/** One line, no control characters, runs of whitespace collapsed, at most `maxChars` code points. */
export function sanitizeHeaderValue(value: string, maxChars: number = MAX_HEADER_CHARS): string {
  const oneLine = value
    .replace(BREAKS_AND_CONTROLS, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...oneLine];
  return chars.length <= maxChars
    ? oneLine
    : `${chars
        .slice(0, maxChars - 1)
        .join('')
        .trimEnd()}…`;
}

/** Applies `sanitizeHeaderValue` to every value (names are our own constants). */
export function sanitizeHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, sanitizeHeaderValue(value, 998)]),
  );
}

/** A runner-supplied name for use inside a sentence (body or subject): one line, bounded. */
export function displayName(value: string | null | undefined, maxChars = 60): string {
  return sanitizeHeaderValue(value ?? '', maxChars);
}
