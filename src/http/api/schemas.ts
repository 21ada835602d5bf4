import { z } from 'zod';

export const ZEmailBody = z.strictObject({
  email: z.string().trim().max(254).pipe(z.email()),
  /** The runner confirms that an address on hold (bounced, unsubscribed) may be mailed again. */
  confirmHeldAddress: z.boolean().optional(),
});

export const ZSettingsBody = z
  .strictObject({
    units: z.enum(['metric', 'imperial']).optional(),
    alertsEnabled: z.boolean().optional(),
  })
  .refine((b) => b.units !== undefined || b.alertsEnabled !== undefined, 'give units or alertsEnabled');

export const ZActivitiesQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(365).default(28),
});

export const ZCheckInBody = z.strictObject({
  feeling: z.enum(['fine', 'sore', 'pain']),
});
