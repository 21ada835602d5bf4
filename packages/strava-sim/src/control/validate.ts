import type { z } from 'zod';
import { SimError } from '../sim-error.js';

/** Parses a control body; failures become a 400 listing every problem, never a crash. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) =>
    i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
  );
  throw new SimError(400, problems.join('; '));
}
