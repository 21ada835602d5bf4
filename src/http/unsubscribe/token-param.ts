import type { Request } from 'express';

/** The `token` query parameter when it is one plausible string (arrays and giant values are refused). */
export function tokenParam(req: Request): string | null {
  const token = req.query.token;
  return typeof token === 'string' && token.length > 0 && token.length <= 1_024 ? token : null;
}
