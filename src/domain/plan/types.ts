import type { CheckIn, DetectionKind, ExerciseDose, PlanPhase, Severity } from '../types.js';

/** Sessions a week per phase: daily 7, taper 4, maintenance 3 (docs/plan.md). */
export type SessionsPerWeek = 7 | 4 | 3;

/** A newly stored detection offered to the plan engine. */
export type PlanTrigger = {
  /** Detection id (the value that ends up in `reasons`). */
  id: string;
  kind: DetectionKind;
  severity: Severity;
  /** When the triggering run started. Informational: the 14 days run from `asOf`, see `nextPlan`. */
  occurredAt: Date;
};

/** The plan engine's whole state; one value per stored plan version. */
export type PlanState = {
  /** 1 for the first plan; +1 for every change `nextPlan` reports. */
  version: number;
  phase: PlanPhase;
  sessionsPerWeek: SessionsPerWeek;
  /** When this version began (the phase's 14/21-day clocks count from here). */
  since: Date;
  /** When a trigger last raised or restarted the plan (`asOf` of that call); null before any. */
  lastTriggerAt: Date | null;
  /** Detection ids that caused this version (empty for start and time-based changes). */
  reasons: string[];
  /** When the runner's plan first started: the basis of the weekly hold progression. */
  startedAt: Date;
  /** Today's doses (recomputed on every `nextPlan` call from `startedAt`). */
  exercises: ExerciseDose[];
  /** Earliest instant a time-based transition could happen; null: none (maintenance) or waiting for a check-in. */
  nextReview: Date | null;
  /** Pain reported on local days spanning 7 or more days: advise a physical therapist. */
  seePhysio: boolean;
  /**
   * Triggers already acted on, as `id@severity` (bounded, `triggerMemory`): a redelivered detection
   * never restarts the plan; one whose severity rose does.
   */
  seenTriggerIds: string[];
};

export type PlanChangeKind = 'started' | 'raised' | 'restarted' | 'tapered' | 'maintenance';

/** Why a new plan version exists. Non-null from `nextPlan` means: store `plan` as a new version. */
export type PlanChange = {
  kind: PlanChangeKind;
  from: PlanPhase | null;
  to: PlanPhase;
  /** The version number of the new plan. */
  version: number;
  at: Date;
  /** Detection ids behind the change (same as the new plan's `reasons`). */
  reasons: string[];
  /** Distinct kinds of those detections, in first-seen order (for `X-RampGuard-Triggers`). */
  triggerKinds: DetectionKind[];
  /** True when a trigger raised or restarted the plan: the runner should get an alert email. */
  alert: boolean;
  /** One plain sentence explaining the change, for logs and the plan page. */
  why: string;
};

export type NextPlanInput = {
  current: PlanState | null;
  /** New triggering detections (already stored; ids seen before are ignored). */
  detections: readonly PlanTrigger[];
  /** The runner's check-ins; those after `asOf` are ignored. Order does not matter. */
  checkIns: readonly CheckIn[];
  asOf: Date;
  /** Runner's IANA time zone, for the local days of pain reports. Default (and fallback) `UTC`. */
  timeZone?: string;
};

export type NextPlanResult = { plan: PlanState; change: PlanChange | null };
