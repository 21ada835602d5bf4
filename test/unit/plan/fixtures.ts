import type { PlanTrigger } from '../../../src/domain/plan.js';
import type { CheckIn, DetectionKind, Feeling } from '../../../src/domain/types.js';

export const T0 = new Date('2025-03-03T08:00:00.000Z');
const DAY = 86_400_000;

/** `T0` plus `days` (fractions allowed). */
export function day(days: number): Date {
  return new Date(T0.getTime() + days * DAY);
}

export function trigger(id: string, at: Date, kind: DetectionKind = 'weekly_ramp'): PlanTrigger {
  return { id, kind, severity: kind === 'shoe_mileage' ? 'info' : 'moderate', occurredAt: at };
}

export function checkIn(feeling: Feeling, at: Date): CheckIn {
  return { feeling, at };
}
