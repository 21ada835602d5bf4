import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyIdOf, loadConfig } from '../../src/config.js';
import {
  createSignedToken,
  decryptToken,
  encryptToken,
  keyIdOfToken,
  keyringFromConfig,
  TokenDecryptError,
  type TokenKey,
  verifySignedToken,
} from '../../src/shared/crypto.js';

function newKey(): TokenKey {
  const key = randomBytes(32);
  return { key, keyId: keyIdOf(key) };
}

const ring = (...keys: TokenKey[]) => new Map(keys.map((k) => [k.keyId, k.key]));

describe('token encryption (AES-256-GCM)', () => {
  const key = newKey();

  it('round-trips any token, in the v1:<kid>:<iv>:<tag>:<ct> format', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (plain, aad) => {
        const stored = encryptToken(plain, key, aad);
        expect(stored.split(':')).toHaveLength(5);
        expect(stored.startsWith(`v1:${key.keyId}:`)).toBe(true);
        expect(decryptToken(stored, ring(key), aad)).toBe(plain);
      }),
    );
  });

  it('uses a fresh 96-bit IV every time: the same token encrypts differently', () => {
    const a = encryptToken('token', key, '134815');
    const b = encryptToken('token', key, '134815');
    expect(a).not.toBe(b);
    expect(Buffer.from(a.split(':')[2] as string, 'base64url')).toHaveLength(12);
    expect(Buffer.from(a.split(':')[3] as string, 'base64url')).toHaveLength(16);
  });

  it('rejects any flipped byte in iv, tag or ciphertext', () => {
    const stored = encryptToken('a4b9c0ffee-access-token', key, '134815');
    const parts = stored.split(':');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index] as string, 'base64url');
      for (let i = 0; i < bytes.length; i++) {
        const flipped = Buffer.from(bytes);
        flipped[i] = (flipped[i] as number) ^ 0x01;
        const tampered = [...parts];
        tampered[index] = flipped.toString('base64url');
        expect(() => decryptToken(tampered.join(':'), ring(key), '134815')).toThrow(TokenDecryptError);
      }
    }
  });

  it("fails for another row's AAD (a ciphertext moved to another athlete)", () => {
    const stored = encryptToken('secret', key, '134815');
    expect(() => decryptToken(stored, ring(key), '134816')).toThrow(TokenDecryptError);
  });

  it('fails for an unknown key id or a malformed value, without echoing the input', () => {
    const stored = encryptToken('super-secret-token', key, '1');
    const other = newKey();
    expect(() => decryptToken(stored, ring(other), '1')).toThrow(/no key with id/);
    for (const bad of ['', 'v2:x:y:z:w', 'v1:kid:only-three', 'plain-text-token']) {
      try {
        decryptToken(bad, ring(key), '1');
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(TokenDecryptError);
        expect((err as Error).message).not.toContain('plain-text-token');
      }
    }
  });

  it('decrypts rows under an old key through the keyring; re-encryption moves them to the new key', () => {
    const oldKey = newKey();
    const newCurrent = newKey();
    const stored = encryptToken('refresh-123', oldKey, '42');
    const keyring = ring(newCurrent, oldKey);
    const rotated = encryptToken(decryptToken(stored, keyring, '42'), newCurrent, '42');
    expect(keyIdOfToken(rotated)).toBe(newCurrent.keyId);
    expect(decryptToken(rotated, ring(newCurrent), '42')).toBe('refresh-123');
    // After rotation the old key can go.
    expect(() => decryptToken(stored, ring(newCurrent), '42')).toThrow(TokenDecryptError);
  });

  it('builds the keyring from TOKEN_ENCRYPTION_KEY and TOKEN_ENCRYPTION_KEYS_OLD', () => {
    const current = randomBytes(32);
    const old1 = randomBytes(32);
    const old2 = randomBytes(32);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: '/nonexistent-not-needed',
      TOKEN_ENCRYPTION_KEY: current.toString('base64'),
      TOKEN_ENCRYPTION_KEYS_OLD: `${old1.toString('base64')}, ${old2.toString('base64')}`,
      SESSION_SECRET: 'x'.repeat(32),
      STRAVA_VERIFY_TOKEN: 'verify-token-123',
    });
    const keyring = keyringFromConfig(config);
    expect([...keyring.keys()].sort()).toEqual([keyIdOf(current), keyIdOf(old1), keyIdOf(old2)].sort());
    expect(config.tokenKeyId).toBe(keyIdOf(current));
    expect(() =>
      loadConfig({ NODE_ENV: 'test', TOKEN_ENCRYPTION_KEYS_OLD: 'not-a-key', DATA_DIR: '/nonexistent' }),
    ).toThrow(/TOKEN_ENCRYPTION_KEYS_OLD/);
  });
});

describe('signed tokens (HMAC-SHA256)', () => {
  const secret = randomBytes(32).toString('base64url');
  const now = new Date('2026-06-01T12:00:00Z');
  const expiresAt = new Date('2026-06-08T12:00:00Z');

  it('verifies for its purpose before expiry and returns the subject', () => {
    const token = createSignedToken({ purpose: 'checkin:fine', subject: 'runner-1', expiresAt }, secret);
    expect(verifySignedToken(token, 'checkin:fine', secret, now)).toEqual({
      purpose: 'checkin:fine',
      subject: 'runner-1',
      expiresAt,
      // Minted without a link version (as before versions existed): reads as version 1.
      version: 1,
    });
  });

  it('carries a link version inside the signature', () => {
    const token = createSignedToken(
      { purpose: 'calendar', subject: 'runner-1', expiresAt, version: 3 },
      secret,
    );
    expect(verifySignedToken(token, 'calendar', secret, now)?.version).toBe(3);
    // A version is part of the signed payload: it cannot be edited without breaking the MAC.
    const [payload, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const edited = Buffer.from(JSON.stringify({ ...claims, v: 4 })).toString('base64url');
    expect(verifySignedToken(`${edited}.${mac}`, 'calendar', secret, now)).toBeNull();
  });

  it('is bound to its purpose, secret and expiry', () => {
    const token = createSignedToken({ purpose: 'unsubscribe', subject: 'runner-1', expiresAt }, secret);
    expect(verifySignedToken(token, 'calendar', secret, now)).toBeNull();
    expect(verifySignedToken(token, 'unsubscribe', 'another-secret', now)).toBeNull();
    expect(verifySignedToken(token, 'unsubscribe', secret, expiresAt)).toBeNull();
  });

  it('rejects any tampering', () => {
    const token = createSignedToken({ purpose: 'unsubscribe', subject: 'runner-1', expiresAt }, secret);
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        fc.pre(token[i] !== c);
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifySignedToken(tampered, 'unsubscribe', secret, now)).toBeNull();
      }),
    );
    expect(verifySignedToken('', 'unsubscribe', secret, now)).toBeNull();
    expect(verifySignedToken('a.b.c', 'unsubscribe', secret, now)).toBeNull();
  });
});
