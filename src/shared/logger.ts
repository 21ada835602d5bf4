import { type Logger, pino } from 'pino';
import { shapeError } from './error-shape.js';

export type { Logger };

/**
 * Paths pino removes from every log line. Tokens, OAuth codes, secrets and
 * cookies never reach the logs (docs/data.md#no-secrets-in-logs), whatever object a caller
 * happens to log.
 */
export const REDACTED_PATHS = [
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'code',
  'client_secret',
  'clientSecret',
  'password',
  'token',
  'verify_token',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.code',
  '*.client_secret',
  '*.password',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'config.headers.Authorization',
  'config.data',
  'err.config.headers.Authorization',
  'err.config.data',
  'err.request',
  'err.response.config',
];

export type LoggerOptions = { level: string; destination?: NodeJS.WritableStream };

export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service: 'rampguard' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Errors by shape, never content (docs/errors.md): the same serializer for HTTP and workers.
      serializers: { err: shapeError },
    },
    destination ?? process.stdout,
  );
}
