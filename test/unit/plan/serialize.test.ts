import { describe, expect, it } from 'vitest';
import { initialPlan, planStateFromJson, planStateToJson } from '../../../src/domain/plan.js';
import { T0 } from './fixtures.js';

describe('plan state JSON', () => {
  it('writes dates as ISO strings', () => {
    const json = planStateToJson(initialPlan(T0));
    expect(json.since).toBe(T0.toISOString());
    expect(json.lastTriggerAt).toBeNull();
    expect(json.nextReview).toBe('2025-03-17T08:00:00.000Z');
  });

  it.each([
    ['not an object', 'x'],
    ['an unknown phase', { ...planStateToJson(initialPlan(T0)), phase: 'weekly' }],
    ['a bad date', { ...planStateToJson(initialPlan(T0)), since: 'yesterday' }],
    ['a bad exercise id', { ...planStateToJson(initialPlan(T0)), exercises: [{ id: 'squat' }] }],
    ['a bad version', { ...planStateToJson(initialPlan(T0)), version: 0 }],
  ])('rejects %s', (_, value) => {
    expect(() => planStateFromJson(value)).toThrow(TypeError);
  });

  it('derives sessionsPerWeek from the phase', () => {
    const json = { ...planStateToJson(initialPlan(T0)), phase: 'taper', sessionsPerWeek: 7 };
    expect(planStateFromJson(json).sessionsPerWeek).toBe(4);
  });
});
