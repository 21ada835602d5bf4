import { z } from 'zod';
import type { Shoe, StravaId, Units } from '../../domain/types.js';
import { ZStravaId, ZSummaryGear } from './activity.js';

/**
 * Zod schemas for the Strava answers we read (docs/strava-api.md), and their
 * conversion into our own types. Only the fields RampGuard uses are declared;
 * anything else Strava sends is dropped here and never stored.
 */

export const ZAthlete = z.object({
  id: ZStravaId,
  firstname: z.string().nullish(),
  lastname: z.string().nullish(),
  measurement_preference: z.string().nullish(),
  /** Only with `profile:read_all`. */
  shoes: z.array(ZSummaryGear).nullish(),
});

export const ZTokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  /** Epoch seconds. */
  expires_at: z.number().int().positive(),
  athlete: ZAthlete.optional(),
  scope: z.string().optional(),
});

export const ZSubscription = z.object({
  id: ZStravaId,
  callback_url: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

export const ZSubscriptionList = z.array(ZSubscription);

/** Strava's error body ("Fault"). */
export const ZFault = z.object({
  message: z.string().optional(),
  errors: z
    .array(
      z.object({ resource: z.string().nullish(), field: z.string().nullish(), code: z.string().nullish() }),
    )
    .optional(),
});

export type StravaFault = z.infer<typeof ZFault>;

export type StravaAthlete = {
  id: StravaId;
  firstname: string;
  lastname: string;
  units: Units;
  /** The athlete's shoes; null when the token lacks `profile:read_all` (Strava then omits them). */
  shoes: Shoe[] | null;
};

export type TokenSet = {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
};

export type StravaSubscription = {
  id: string;
  callbackUrl: string | null;
  createdAt: string | null;
};

export function toShoe(gear: z.infer<typeof ZSummaryGear>): Shoe {
  return {
    id: gear.id,
    name: gear.name || gear.id,
    distanceM: gear.distance ?? 0,
    retired: gear.retired ?? false,
  };
}

export function toAthlete(athlete: z.infer<typeof ZAthlete>): StravaAthlete {
  return {
    id: athlete.id,
    firstname: athlete.firstname ?? '',
    lastname: athlete.lastname ?? '',
    units: athlete.measurement_preference === 'feet' ? 'imperial' : 'metric',
    shoes: athlete.shoes ? athlete.shoes.map(toShoe) : null,
  };
}

export function toTokenSet(token: z.infer<typeof ZTokenResponse>): TokenSet {
  return {
    accessToken: token.access_token,
    refreshToken: token.refresh_token,
    expiresAt: new Date(token.expires_at * 1000),
  };
}

export function toSubscription(sub: z.infer<typeof ZSubscription>): StravaSubscription {
  return { id: sub.id, callbackUrl: sub.callback_url ?? null, createdAt: sub.created_at ?? null };
}

/** Strava's fault as one short line ("Bad Request: RefreshToken refresh_token invalid"), nothing of ours. */
export function describeFault(fault: StravaFault | undefined): string {
  if (!fault) return 'no details';
  const details = (fault.errors ?? [])
    .map((e) => [e.resource, e.field, e.code].filter(Boolean).join(' '))
    .filter(Boolean);
  return [fault.message ?? 'error', ...details].join(': ').slice(0, 300);
}
