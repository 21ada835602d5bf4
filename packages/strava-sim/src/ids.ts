import { randomBytes } from 'node:crypto';

/** Sequential numeric ids kept as strings: they may exceed 2^53 (docs/strava-api.md#large-ids). */
export type IdSequence = {
  next(): string;
  reset(): void;
  /** The id `next()` would hand out (kept in the persisted state). */
  peek(): string;
  /** Carries on from a persisted `peek()`: never goes backwards. */
  resumeAt(next: string): void;
};

export function createIdSequence(start: string | bigint): IdSequence {
  const first = BigInt(start);
  let current = first;
  return {
    next() {
      const id = current.toString();
      current += 1n;
      return id;
    },
    reset() {
      current = first;
    },
    peek: () => current.toString(),
    resumeAt(next) {
      const value = BigInt(next);
      if (value > current) current = value;
    },
  };
}

/** 40 hex characters, the shape of Strava's access and refresh tokens. */
export function createOpaqueToken(): string {
  return randomBytes(20).toString('hex');
}

export function isDigits(value: string): boolean {
  return /^\d+$/.test(value);
}
