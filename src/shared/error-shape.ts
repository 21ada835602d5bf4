import { AppError } from './errors.js';

/**
 * Errors are recorded by shape, not content (docs/errors.md). A failed query's
 * message and `params` carry whatever the query was given (an email address, a
 * token hash); a Postgres message quotes the offending value; an SMTP reply
 * quotes the recipient. So what leaves the process (log lines, BullMQ's
 * `failedReason`, `webhook_inbox.last_error`) is built from fields that name
 * the kind of failure only: class, code, SQL state, constraint, a query *name*
 * derived from the statement's first verb and table. Messages are kept only
 * for errors whose text we wrote (AppError) or that never quote data, and even
 * then scrubbed of anything that looks like an address or a credential.
 */
export type ErrorShape = {
  type: string;
  /** AppError code or a system/library code (ECONNREFUSED). Not `code`: log redaction hides that key (OAuth codes). */
  errorCode?: string;
  sqlState?: string;
  constraint?: string;
  /** `insert email_outbox`: the statement's verb and first table, never its parameters. */
  query?: string;
  status?: number;
  message?: string;
  /** Stack frames without the first line (which repeats the message); only for unexpected errors. */
  frames?: string;
  cause?: ErrorShape;
};

/** Classes whose messages are library text without caller data (checked against their sources). */
const SAFE_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'ReplyError',
  'MaxRetriesPerRequestError',
  'UnrecoverableError',
  'RateLimitError',
  'DeadlineError',
]);

const MAX_DEPTH = 3;
const MAX_MESSAGE = 200;
const MAX_FRAMES = 8;

/** The shape of any thrown value: what logs and job records may carry. */
export function shapeError(err: unknown, depth = 0): ErrorShape {
  if (!(err instanceof Error)) {
    if (
      typeof err === 'object' &&
      err !== null &&
      typeof (err as { message?: unknown }).message === 'string'
    ) {
      // A plain `{ message }` object from a caller: treated like an error of unknown origin.
      return { type: 'Object', message: scrubMessage((err as { message: string }).message) };
    }
    return { type: typeof err };
  }
  const shape: ErrorShape = { type: typeNameOf(err) };
  const fields = err as Error & Record<string, unknown>;
  const query = typeof fields.query === 'string' && Array.isArray(fields.params) ? fields.query : undefined;
  if (query !== undefined) {
    shape.type = 'DrizzleQueryError';
    shape.query = queryName(query);
  }
  if (err instanceof AppError) {
    shape.errorCode = err.code;
    shape.status = err.status;
    shape.message = scrubMessage(err.message);
  } else if (isSqlState(fields.code) && typeof fields.severity === 'string') {
    // node-postgres / PGlite DatabaseError: the message may quote a value, `detail` always does.
    shape.sqlState = fields.code;
    if (typeof fields.constraint === 'string') shape.constraint = fields.constraint;
  } else if (typeof fields.code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(fields.code)) {
    shape.errorCode = fields.code; // ECONNREFUSED, ETIMEDOUT, ERR_…: system and library codes
  }
  if (shape.message === undefined && query === undefined && hasSafeMessage(shape)) {
    shape.message = scrubMessage(err.message);
  }
  const status = fields.status ?? fields.statusCode;
  if (shape.status === undefined && typeof status === 'number') shape.status = status;
  if (!isExpected(err, shape)) {
    const frames = framesOf(err.stack);
    if (frames) shape.frames = frames;
  }
  if (err.cause !== undefined && depth < MAX_DEPTH) shape.cause = shapeError(err.cause, depth + 1);
  return shape;
}

/**
 * One short line for places that store an error (BullMQ's `failedReason`,
 * `webhook_inbox.last_error`): code or class, SQL state, query name and a
 * safe message, from the error and its causes.
 */
export function summarizeError(err: unknown): string {
  const parts: string[] = [];
  let shape: ErrorShape | undefined = shapeError(err);
  while (shape && parts.length < 4) {
    const head = [shape.errorCode ?? shape.type, shape.sqlState, shape.query && `(${shape.query})`]
      .filter(Boolean)
      .join(' ');
    parts.push(shape.message ? `${head}: ${shape.message}` : head);
    shape = shape.cause;
  }
  return parts.join(' <- ').slice(0, 300);
}

/**
 * Addresses and anything credential-like (long unbroken runs of token
 * characters) are replaced; the result is cut short. A last line of defence
 * for messages we believe safe.
 */
export function scrubMessage(message: string): string {
  return message
    .replace(/[^\s<>()"',;:]+@[^\s<>()"',;:]+/g, '[address]')
    .replace(/[A-Za-z0-9_\-+/=.]{24,}/g, '[redacted]')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, MAX_MESSAGE);
}

/** `insert into "email_outbox" (…) values ($1, …)` → `insert email_outbox`. */
export function queryName(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim().toLowerCase();
  const verb = /^(\w+)/.exec(text)?.[1] ?? 'query';
  const table =
    /\b(?:from|into|update|join|table)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?(?:\."?([a-z_][a-z0-9_]*)"?)?/.exec(
      text,
    );
  const name = table ? (table[2] ?? table[1]) : undefined;
  return name ? `${verb} ${name}` : verb;
}

function typeNameOf(err: Error): string {
  const ctor = err.constructor?.name;
  if (ctor && ctor !== 'Error') return ctor;
  return err.name && /^[A-Za-z]{1,40}$/.test(err.name) ? err.name : 'Error';
}

function isSqlState(code: unknown): code is string {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code);
}

/**
 * Plain `Error`s come from our own code (messages we wrote) and from libraries
 * that do not quote data (ioredis, BullMQ); system errors carry their code,
 * which says everything. JSON and zod errors quote input: never.
 */
function hasSafeMessage(shape: ErrorShape): boolean {
  if (shape.sqlState !== undefined) return false;
  if (SAFE_MESSAGE_TYPES.has(shape.type)) return true;
  return shape.type === 'Error' && shape.errorCode === undefined;
}

/** Failures of a dependency or of a request are expected; their stack says nothing new. */
function isExpected(err: Error, shape: ErrorShape): boolean {
  return (
    err instanceof AppError ||
    shape.sqlState !== undefined ||
    shape.query !== undefined ||
    (shape.errorCode !== undefined && /^E[A-Z]/.test(shape.errorCode)) ||
    SAFE_MESSAGE_TYPES.has(shape.type)
  );
}

function framesOf(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const frames = stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => line.trim());
  return frames.length > 0 ? frames.join(' | ') : undefined;
}
