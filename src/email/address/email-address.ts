import { createHash } from 'node:crypto';

/**
 * One plain `local@domain` address and nothing else: no display name, no
 * comma-separated list, no whitespace or line breaks. Recipients come only from
 * our database, and this check keeps a stored value from ever addressing a
 * second mailbox or bending a header (docs/email.md#header-injection).
 */
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isDeliverableAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

/** Addresses compare case-insensitively in practice; the stored form keeps what the runner typed (trimmed). */
export function normalizeAddress(value: string): string {
  return value.trim().toLowerCase();
}

/** sha256 of the normalized address: binds verification tokens to one address without storing it twice. */
export function hashAddress(value: string): string {
  return createHash('sha256').update(normalizeAddress(value)).digest('hex');
}
