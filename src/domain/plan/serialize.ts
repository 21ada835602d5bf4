import type { ExerciseDose, ExerciseId, PlanPhase } from '../types.js';
import { sessionsPerWeekFor } from './rules.js';
import type { PlanState } from './types.js';

/**
 * PlanState as plain JSON (dates as ISO strings), for the `plan_versions.state` jsonb column.
 * Parsing validates by hand because domain/ imports nothing outside domain/.
 */
export type PlanStateJson = Omit<PlanState, 'since' | 'lastTriggerAt' | 'startedAt' | 'nextReview'> & {
  since: string;
  lastTriggerAt: string | null;
  startedAt: string;
  nextReview: string | null;
};

export function planStateToJson(plan: PlanState): PlanStateJson {
  return {
    ...plan,
    since: plan.since.toISOString(),
    lastTriggerAt: plan.lastTriggerAt?.toISOString() ?? null,
    startedAt: plan.startedAt.toISOString(),
    nextReview: plan.nextReview?.toISOString() ?? null,
    reasons: [...plan.reasons],
    exercises: plan.exercises.map((e) => ({ ...e })),
    seenTriggerIds: [...plan.seenTriggerIds],
  };
}

const PHASES: readonly PlanPhase[] = ['daily', 'taper', 'maintenance'];
const EXERCISE_IDS: readonly ExerciseId[] = ['leg-raise', 'glute-bridge'];

function fail(field: string): never {
  throw new TypeError(`invalid plan state: ${field}`);
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field);
  return value as Record<string, unknown>;
}

function date(value: unknown, field: string): Date {
  if (typeof value !== 'string') fail(field);
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) fail(field);
  return parsed;
}

function optionalDate(value: unknown, field: string): Date | null {
  return value === null || value === undefined ? null : date(value, field);
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(field);
  return [...value];
}

function dose(value: unknown, i: number): ExerciseDose {
  const o = record(value, `exercises[${i}]`);
  const id = o.id as ExerciseId;
  if (!EXERCISE_IDS.includes(id)) fail(`exercises[${i}].id`);
  if (typeof o.name !== 'string') fail(`exercises[${i}].name`);
  if (typeof o.reps !== 'number' || typeof o.holdSeconds !== 'number') fail(`exercises[${i}] numbers`);
  if (typeof o.perLeg !== 'boolean' || typeof o.variant !== 'string') fail(`exercises[${i}]`);
  return { id, name: o.name, reps: o.reps, perLeg: o.perLeg, holdSeconds: o.holdSeconds, variant: o.variant };
}

/** Parses what `planStateToJson` produced (throws TypeError naming the first bad field). */
export function planStateFromJson(value: unknown): PlanState {
  const o = record(value, 'state');
  const phase = o.phase as PlanPhase;
  if (!PHASES.includes(phase)) fail('phase');
  if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1) fail('version');
  if (!Array.isArray(o.exercises)) fail('exercises');
  return {
    version: o.version,
    phase,
    // Derived from the phase so a stored state can never disagree with it.
    sessionsPerWeek: sessionsPerWeekFor(phase),
    since: date(o.since, 'since'),
    lastTriggerAt: optionalDate(o.lastTriggerAt, 'lastTriggerAt'),
    reasons: strings(o.reasons, 'reasons'),
    startedAt: date(o.startedAt, 'startedAt'),
    exercises: o.exercises.map(dose),
    nextReview: optionalDate(o.nextReview, 'nextReview'),
    seePhysio: o.seePhysio === true,
    seenTriggerIds: o.seenTriggerIds === undefined ? [] : strings(o.seenTriggerIds, 'seenTriggerIds'),
  };
}
