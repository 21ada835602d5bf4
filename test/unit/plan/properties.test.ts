import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextPlan,
  type PlanState,
  type PlanTrigger,
  planStateFromJson,
  planStateToJson,
} from '../../../src/domain/plan.js';
import type { CheckIn, DetectionKind } from '../../../src/domain/types.js';
import { T0 } from './fixtures.js';

const HOUR = 3_600_000;
const SESSIONS = { daily: 7, taper: 4, maintenance: 3 } as const;
const KINDS: DetectionKind[] = [
  'session_spike',
  'weekly_ramp',
  'intensity_ramp',
  'gear_change',
  'shoe_mileage',
];

/** One evaluation: time moves on, maybe with new detections and check-ins in between. */
const stepArb = fc.record({
  advanceHours: fc.integer({ min: 0, max: 24 * 12 }),
  detections: fc.array(
    fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), kind: fc.constantFrom(...KINDS) }),
    { maxLength: 2 },
  ),
  checkIns: fc.array(
    fc.record({
      feeling: fc.constantFrom('fine', 'sore', 'pain' as const),
      hoursAgo: fc.integer({ min: 0, max: 24 * 10 }),
    }),
    { maxLength: 2 },
  ),
});

type Step = { input: Parameters<typeof nextPlan>[0]; result: ReturnType<typeof nextPlan> };

/** Runs a history through the engine, collecting every input and result. */
type StepInput = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function simulate(steps: StepInput[], timeZone: string): Step[] {
  let now = T0.getTime();
  let current: PlanState | null = null;
  const checkIns: CheckIn[] = [];
  const out: Step[] = [];
  for (const s of steps) {
    now += s.advanceHours * HOUR;
    for (const c of s.checkIns) checkIns.push({ feeling: c.feeling, at: new Date(now - c.hoursAgo * HOUR) });
    const detections: PlanTrigger[] = s.detections.map((d) => ({
      id: `${d.id}-${Math.floor(now / (24 * 7 * HOUR))}`,
      kind: d.kind,
      severity: d.kind === 'shoe_mileage' ? 'info' : 'moderate',
      occurredAt: new Date(now - HOUR),
    }));
    const input = { current, detections, checkIns: [...checkIns], asOf: new Date(now), timeZone };
    const result = nextPlan(input);
    out.push({ input, result });
    current = result.plan;
  }
  return out;
}

const historyArb = fc.tuple(
  fc.array(stepArb, { minLength: 1, maxLength: 25 }),
  fc.constantFrom('UTC', 'America/New_York', 'Pacific/Auckland'),
);

describe('nextPlan properties', () => {
  it('is deterministic: the same input gives the same output', () => {
    fc.assert(
      fc.property(historyArb, ([steps, zone]) => {
        for (const { input, result } of simulate(steps, zone)) expect(nextPlan(input)).toEqual(result);
      }),
    );
  });

  it('is idempotent: feeding the result back with the same input gives no second change', () => {
    fc.assert(
      fc.property(historyArb, ([steps, zone]) => {
        for (const { input, result } of simulate(steps, zone)) {
          const again = nextPlan({ ...input, current: result.plan });
          expect(again.change).toBeNull();
          expect(again.plan).toEqual(result.plan);
        }
      }),
    );
  });

  it('keeps sessionsPerWeek in {7,4,3} matching the phase, and versions counting changes', () => {
    fc.assert(
      fc.property(historyArb, ([steps, zone]) => {
        let lastVersion = 0;
        for (const { input, result } of simulate(steps, zone)) {
          const { plan, change } = result;
          expect(plan.sessionsPerWeek).toBe(SESSIONS[plan.phase]);
          expect(plan.version).toBe(change ? lastVersion + 1 : lastVersion);
          lastVersion = plan.version;
          if (change) {
            expect(change.to).toBe(plan.phase);
            expect(plan.since).toEqual(input.asOf);
            expect(change.reasons).toEqual(plan.reasons);
            // Only triggers raise, and every trigger-caused change alerts.
            expect(change.alert).toBe(change.reasons.length > 0);
            if (change.alert) expect(plan.phase).toBe('daily');
            expect(change.triggerKinds).not.toContain('shoe_mileage');
          }
        }
      }),
    );
  });

  it('never lowers a hold as time goes on', () => {
    fc.assert(
      fc.property(historyArb, ([steps, zone]) => {
        let previous: number[] = [0, 0];
        let previousVariant = 'two-leg';
        for (const { result } of simulate(steps, zone)) {
          const holds = result.plan.exercises.map((e) => e.holdSeconds);
          const variant = result.plan.exercises[1]!.variant;
          if (variant === previousVariant) expect(holds[1]).toBeGreaterThanOrEqual(previous[1]!);
          expect(holds[0]).toBeGreaterThanOrEqual(previous[0]!);
          previous = holds;
          previousVariant = variant;
        }
      }),
    );
  });

  it('survives a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(historyArb, ([steps, zone]) => {
        for (const { result } of simulate(steps, zone)) {
          const stored = JSON.parse(JSON.stringify(planStateToJson(result.plan)));
          expect(planStateFromJson(stored)).toEqual(result.plan);
        }
      }),
    );
  });
});
