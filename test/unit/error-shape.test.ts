import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { queryName, scrubMessage, shapeError, summarizeError } from '../../src/shared/error-shape.js';
import { AppError } from '../../src/shared/errors.js';

/** A node-postgres DatabaseError as the driver builds it: its message and detail quote the value. */
function databaseError(code: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), {
    name: 'error',
    code,
    severity: 'ERROR',
    detail: 'Key (email)=(ada@example.com) already exists.',
    ...extra,
  });
}

describe('errors by shape, not content (docs/errors.md)', () => {
  const address = 'ada.lovelace@example.com';

  it('A failed query keeps its class, SQL state, constraint and query name, never its text or parameters', () => {
    const cause = databaseError(
      '23505',
      `duplicate key value violates unique constraint "runners_email" (${address})`,
      {
        constraint: 'runners_email',
      },
    );
    const err = new DrizzleQueryError(
      'update "runners" set "email" = $1, "email_verified_at" = $2 where "runners"."id" = $3',
      [address, null, 'f3b1c6a2-1111-4c1e-9a55-0d4c2f7b9e10'],
      cause,
    );
    const shape = shapeError(err);
    expect(shape).toMatchObject({
      type: 'DrizzleQueryError',
      query: 'update runners',
      cause: { sqlState: '23505', constraint: 'runners_email' },
    });
    const text = JSON.stringify(shape);
    expect(text).not.toContain(address);
    expect(text).not.toContain('f3b1c6a2');
    expect(text).not.toContain('set "email"');
    expect(summarizeError(err)).toBe('DrizzleQueryError (update runners) <- error 23505');
  });

  it('Connection failures keep their code; our own errors keep their code and message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(shapeError(refused)).toEqual({ type: 'Error', errorCode: 'ECONNREFUSED' });
    expect(summarizeError(new AppError('invalid_email', 'That does not look like an email address'))).toBe(
      'invalid_email: That does not look like an email address',
    );
  });

  it('Plain messages are scrubbed of addresses and anything token-like, and cut short', () => {
    expect(scrubMessage(`could not mail ${address} with token abcdefghijklmnopqrstuvwxyz0123456789`)).toBe(
      'could not mail [address] with token [redacted]',
    );
    expect(scrubMessage('x'.repeat(500)).length).toBeLessThanOrEqual(200);
    expect(shapeError({ message: `failed for ${address}` })).toEqual({
      type: 'Object',
      message: 'failed for [address]',
    });
  });

  it('Errors that quote their input (JSON, zod) keep their class only', () => {
    const shape = shapeError(new SyntaxError(`Unexpected token in JSON: {"email":"${address}"}`));
    expect(shape.type).toBe('SyntaxError');
    expect(JSON.stringify(shape)).not.toContain(address);
  });

  it.each([
    ['select "id" from "runners" where "runners"."athlete_id" = $1', 'select runners'],
    ['insert into "email_outbox" ("runner_id") values ($1)', 'insert email_outbox'],
    ['delete from "sessions" where "sessions"."runner_id" = $1', 'delete sessions'],
    [
      'with runner as (select id from runners where athlete_id = $1) insert into webhook_inbox',
      'with runners',
    ],
    ['select pg_advisory_xact_lock(hashtext($1))', 'select'],
  ])('names %s as %s', (query, name) => {
    expect(queryName(query)).toBe(name);
  });
});
