import { z } from 'zod';
import { STRAVA_REFUSALS } from '../../db/repositories/email-outbox.js';
import type { PlanJson } from '../../domain/plan-view.js';
import { AppError } from '../../shared/errors.js';

/**
 * What each outbox row's `payload` holds: the content of the email (numbers,
 * plan), never the recipient, the first name or a link token (those are read
 * or minted at send time). Parsed again at send time with these schemas.
 */

const ZDetectionKind = z.enum([
  'session_spike',
  'weekly_ramp',
  'intensity_ramp',
  'gear_change',
  'shoe_mileage',
]);

export const ZEmailDetection = z.object({
  kind: ZDetectionKind,
  message: z.string(),
  metrics: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  severity: z.enum(['info', 'low', 'moderate', 'high']).optional(),
  localDate: z.iso.date().optional(),
});

const ZPhase = z.enum(['daily', 'taper', 'maintenance']);

export const ZPlanJson: z.ZodType<PlanJson> = z.object({
  phase: ZPhase,
  sessionsPerWeek: z.number(),
  exercises: z.array(
    z.object({
      id: z.enum(['leg-raise', 'glute-bridge']),
      name: z.string(),
      reps: z.number(),
      perLeg: z.boolean(),
      holdSeconds: z.number(),
      variant: z.string(),
    }),
  ),
  reasons: z.array(z.string()),
  since: z.string(),
  nextReview: z.string().nullable(),
  seePhysio: z.boolean(),
  history: z.array(
    z.object({ phase: ZPhase, sessionsPerWeek: z.number(), since: z.string(), reasons: z.array(z.string()) }),
  ),
});

export const ZAlertPayload = z.object({
  detections: z.array(ZEmailDetection).min(1),
  plan: ZPlanJson,
  timeZone: z.string().optional(),
});
export const ZTaperPayload = z.object({ plan: ZPlanJson, timeZone: z.string().optional() });
export const ZShoeMileagePayload = z.object({ shoeName: z.string(), detection: ZEmailDetection });
/** Why the runner was parked (docs/strava-quota.md): the email says what to do about it. */
export const ZStravaAccessPayload = z.object({ refusal: z.enum(STRAVA_REFUSALS) });
/**
 * The hash of the address being verified (the row is cancelled if the runner
 * changed it since), and whether the email may greet by the runner's first
 * name: only for an address the runner verified before (docs/front-door.md#email-abuse).
 * Rows written before the flag existed greet neutrally.
 */
export const ZVerificationPayload = z.object({
  addressHash: z.string().regex(/^[0-9a-f]{64}$/),
  greetByName: z.boolean().default(false),
});

export type AlertPayload = z.infer<typeof ZAlertPayload>;
export type TaperPayload = z.infer<typeof ZTaperPayload>;
export type ShoeMileagePayload = z.infer<typeof ZShoeMileagePayload>;
export type VerificationPayload = z.infer<typeof ZVerificationPayload>;
export type StravaAccessPayload = z.infer<typeof ZStravaAccessPayload>;

export type OutboxContent =
  | { template: 'alert'; payload: AlertPayload }
  | { template: 'taper'; payload: TaperPayload }
  | { template: 'shoe_mileage'; payload: ShoeMileagePayload }
  | { template: 'verification'; payload: VerificationPayload }
  | { template: 'strava_access'; payload: StravaAccessPayload };

export type OutboxTemplate = OutboxContent['template'];

/** A payload no renderer can use: retrying cannot help, so the row fails at once. */
export class InvalidPayloadError extends AppError {
  constructor(template: string) {
    super('invalid_outbox_payload', `outbox payload does not match the ${template} schema`, 500, false);
    this.name = 'InvalidPayloadError';
  }
}

const SCHEMAS = {
  alert: ZAlertPayload,
  taper: ZTaperPayload,
  shoe_mileage: ZShoeMileagePayload,
  verification: ZVerificationPayload,
  strava_access: ZStravaAccessPayload,
} as const;

export function parseOutboxContent(template: OutboxTemplate, payload: unknown): OutboxContent {
  const parsed = SCHEMAS[template].safeParse(payload);
  if (!parsed.success) throw new InvalidPayloadError(template);
  return { template, payload: parsed.data } as OutboxContent;
}
