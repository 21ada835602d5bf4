import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';

/**
 * Validates request input and turns a failure into a clear 400
 * `{ error: { code: 'invalid_input', message } }` naming the fields at fault
 * (never echoing the submitted values).
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');
  throw new AppError('invalid_input', problems, 400);
}
