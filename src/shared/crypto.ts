import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Config, keyIdOf } from '../config.js';
import { AppError } from './errors.js';

/**
 * Token encryption at rest (docs/data.md#token-encryption) and HMAC-signed tokens for
 * one-click links (docs/access.md#signed-links). Nothing here logs, and no error message carries a
 * key, a plaintext or a ciphertext.
 */

export type TokenKey = { key: Buffer; keyId: string };
/** Key id → key. The current key plus any old ones still needed to read rows not yet rotated. */
export type Keyring = ReadonlyMap<string, Buffer>;

const FORMAT = 'v1';
const IV_BYTES = 12; // 96-bit IV: GCM's native size (NIST SP 800-38D)
const TAG_BYTES = 16;

/** A token that cannot be decrypted: tampered, moved to another row, or under a key we no longer hold. */
export class TokenDecryptError extends AppError {
  constructor(reason: string) {
    super('token_undecryptable', `stored token cannot be decrypted: ${reason}`, 500, false);
    this.name = 'TokenDecryptError';
  }
}

/**
 * AES-256-GCM with a fresh random IV on every call. `aad` binds the ciphertext
 * to its row (the athlete id): a ciphertext copied to another runner's row fails.
 * Output: `v1:<kid>:<iv b64url>:<tag b64url>:<ct b64url>`.
 */
export function encryptToken(plain: string, { key, keyId }: TokenKey, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, keyId, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join(
    ':',
  );
}

/** The key id a stored token was encrypted under (no decryption). */
export function keyIdOfToken(stored: string): string {
  return parseStored(stored).keyId;
}

export function decryptToken(stored: string, keyring: Keyring, aad: string): string {
  const { keyId, iv, tag, ct } = parseStored(stored);
  const key = keyring.get(keyId);
  if (!key) throw new TokenDecryptError(`no key with id ${keyId} in the keyring`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  } catch {
    throw new TokenDecryptError('authentication failed (tampered, wrong row or wrong key)');
  }
}

function parseStored(stored: string) {
  const parts = stored.split(':');
  const [format, keyId, iv, tag, ct] = parts;
  if (parts.length !== 5 || format !== FORMAT || !keyId || iv === undefined || !tag || ct === undefined) {
    throw new TokenDecryptError('unrecognized format');
  }
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
    throw new TokenDecryptError('bad iv or tag length');
  }
  return { keyId, iv: ivBytes, tag: tagBytes, ct: Buffer.from(ct, 'base64url') };
}

/** The key new tokens are encrypted under. */
export function currentTokenKey(config: Pick<Config, 'tokenEncryptionKey' | 'tokenKeyId'>): TokenKey {
  return { key: config.tokenEncryptionKey, keyId: config.tokenKeyId };
}

/** Current key plus `TOKEN_ENCRYPTION_KEYS_OLD`: every key a stored token may still be under. */
export function keyringFromConfig(
  config: Pick<Config, 'tokenEncryptionKey' | 'tokenKeyId' | 'oldTokenKeys'>,
): Keyring {
  const ring = new Map<string, Buffer>();
  for (const key of config.oldTokenKeys) ring.set(keyIdOf(key), key);
  ring.set(config.tokenKeyId, config.tokenEncryptionKey);
  return ring;
}

// ---------------------------------------------------------------------------
// Signed tokens: `<payload b64url>.<hmac-sha256 b64url>` for one-click links,
// calendar feeds and the like. The purpose is inside the signed payload, so a
// token minted for one action can never be used for another.

export type SignedTokenClaims = {
  purpose: string;
  subject: string;
  expiresAt: Date;
  /**
   * The runner's link version when the token was minted (calendar and
   * unsubscribe links: docs/front-door.md#revocable-links). Tokens minted
   * before versions existed read as version 1.
   */
  version?: number;
};

const SIGNING_CONTEXT = 'rampguard-signed-token.v1';

export function createSignedToken(
  { purpose, subject, expiresAt, version }: SignedTokenClaims,
  secret: string,
): string {
  const payload = Buffer.from(
    JSON.stringify({
      p: purpose,
      s: subject,
      e: Math.floor(expiresAt.getTime() / 1000),
      ...(version !== undefined ? { v: version } : {}),
    }),
    'utf8',
  ).toString('base64url');
  return `${payload}.${sign(payload, secret).toString('base64url')}`;
}

/** The token's claims if it is authentic, for `purpose`, and not expired at `now`; otherwise null. */
export function verifySignedToken(
  token: string,
  purpose: string,
  secret: string,
  now: Date,
): SignedTokenClaims | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const payload = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(payload, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  // Only the canonical spelling: Buffer's decoder tolerates stray characters.
  if (given.toString('base64url') !== signature) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!isClaims(claims) || claims.p !== purpose) return null;
  const expiresAt = new Date(claims.e * 1000);
  if (expiresAt.getTime() <= now.getTime()) return null;
  return { purpose: claims.p, subject: claims.s, expiresAt, version: claims.v ?? 1 };
}

function sign(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(SIGNING_CONTEXT).update('.').update(payload).digest();
}

function isClaims(value: unknown): value is { p: string; s: string; e: number; v?: number } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.p === 'string' &&
    typeof v.s === 'string' &&
    Number.isInteger(v.e) &&
    (v.v === undefined || (Number.isInteger(v.v) && (v.v as number) > 0))
  );
}
