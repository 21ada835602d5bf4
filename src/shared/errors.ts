/**
 * Every failure is classified at the boundary where it happens (docs/reliability-rules.md#failures-are-classified-at-the-boundary):
 * retryable (network, 5xx, rate limit, database unavailable) or permanent
 * (bad input, 403/404, revoked access). Job processors rethrow; the worker
 * turns permanent failures into BullMQ UnrecoverableError.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class RetryableError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, 503, true);
    this.name = 'RetryableError';
  }
}

/** Unknown errors (bugs, driver errors) are retried: an outage must not lose work. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AppError) return err.retryable;
  return true;
}
