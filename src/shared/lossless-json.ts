/**
 * JSON with exact integers. Strava ids are int64 and can exceed 2^53, where `JSON.parse` rounds
 * them (docs/strava-api.md#large-ids). Node 20's reviver cannot see the source text, so the text is
 * rewritten first: one linear scan that skips string literals and quotes integer literals. The
 * one scanner serves the webhook (every integer quoted, so ids arrive as exact digit strings)
 * and the API reader (only integers beyond 2^53 quoted).
 */

/** Which integer literals become strings. */
export type QuoteWhich = 'every-integer' | 'unsafe-integers';

/**
 * Wraps bare integer literals outside strings in quotes: `{"id": 18446744073709551615}` →
 * `{"id": "18446744073709551615"}`. Numbers with a fraction or exponent are left alone. Call it
 * on text `JSON.parse` accepted: the scanner trusts the grammar.
 */
export function quoteIntegerLiterals(text: string, which: QuoteWhich = 'every-integer'): string {
  let out = '';
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== '-' && !isDigit(c)) continue;
    let end = c === '-' ? i + 1 : i;
    while (isDigit(text[end])) end++;
    const integerEnd = end;
    while (end < text.length && isNumberPart(text[end])) end++;
    const token = text.slice(i, end);
    if (end === integerEnd && (which === 'every-integer' || !Number.isSafeInteger(Number(token)))) {
      out += `${text.slice(copiedUpTo, i)}"${token}"`;
      copiedUpTo = end;
    }
    i = end - 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/**
 * `JSON.parse`, except that integer literals beyond 2^53 become decimal strings instead of
 * rounded numbers. Throws `SyntaxError` on text that is not JSON, exactly as `JSON.parse` does.
 */
export function parseJsonLosslessly(text: string): unknown {
  const plain: unknown = JSON.parse(text);
  const quoted = quoteIntegerLiterals(text, 'unsafe-integers');
  return quoted === text ? plain : JSON.parse(quoted);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isNumberPart(c: string | undefined): boolean {
  return c === '.' || c === 'e' || c === 'E' || c === '+' || c === '-' || isDigit(c);
}
