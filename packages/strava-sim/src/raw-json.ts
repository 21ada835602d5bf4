import { randomBytes } from 'node:crypto';

/**
 * Strava emits ids as bare JSON numbers, even beyond 2^53 (docs/strava-api.md#activity-fields). JavaScript numbers
 * cannot hold those, so state keeps ids as digit strings and responses mark them with `rawInt`.
 * `stringifyWithRawInts` writes them unquoted, digit for digit.
 */
export class RawInt {
  readonly digits: string;
  constructor(digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new Error(`not an integer: ${digits}`);
    this.digits = digits;
  }
  /** JSON.stringify calls this; the placeholder is swapped for the digits afterwards. */
  toJSON(): string {
    return `${PLACEHOLDER_PREFIX}${this.digits}${PLACEHOLDER_SUFFIX}`;
  }
}

export function rawInt(digits: string): RawInt {
  return new RawInt(digits);
}

// A per-process random marker, so a user-supplied string (an activity name) can never be
// mistaken for a placeholder.
const NONCE = randomBytes(8).toString('hex');
const PLACEHOLDER_PREFIX = `@@rawint-${NONCE}:`;
const PLACEHOLDER_SUFFIX = '@@';
const PLACEHOLDER_PATTERN = new RegExp(`"${PLACEHOLDER_PREFIX}(-?\\d+)${PLACEHOLDER_SUFFIX}"`, 'g');

export function stringifyWithRawInts(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return 'null';
  return text.replace(PLACEHOLDER_PATTERN, '$1');
}
