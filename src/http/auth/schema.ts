import { z } from 'zod';

/**
 * The query Strava's redirect brings back (docs/strava-api.md#authorize): `code`, `scope` (the
 * scopes actually granted) and `state`, or `error=access_denied`. Bounded so
 * nothing oversized reaches the database or Strava. Repeated parameters are
 * not accepted (express would give an array).
 */
export const ZCallbackQuery = z.object({
  state: z.string().min(1).max(200).optional(),
  code: z.string().min(1).max(500).optional(),
  scope: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
});

export type CallbackQuery = z.infer<typeof ZCallbackQuery>;
