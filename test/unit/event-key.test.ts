import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_KEY_PATTERN, eventKeyOf } from '../../src/app/webhook/event-key.js';
import type { StravaEvent } from '../../src/app/webhook/strava-event.js';

const id = fc.bigInt({ min: 1n, max: 10n ** 20n - 1n }).map(String);
const updates = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), fc.string({ maxLength: 12 }), {
  maxKeys: 5,
});
const event: fc.Arbitrary<StravaEvent> = fc.record({
  objectType: fc.constantFrom('activity', 'athlete'),
  objectId: id,
  aspectType: fc.constantFrom('create', 'update', 'delete'),
  ownerId: id,
  subscriptionId: id,
  eventTime: fc.integer({ min: 1, max: 253_402_300_799 }),
  updates,
});

/** Every field, updates as sorted pairs: equal exactly when the events are the same event. */
function identity(e: StravaEvent): string {
  const pairs = Object.entries(e.updates).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([
    e.subscriptionId,
    e.objectType,
    e.objectId,
    e.aspectType,
    e.ownerId,
    e.eventTime,
    pairs,
  ]);
}

describe('eventKeyOf', () => {
  it('is deterministic and a valid BullMQ job id (ev- prefix, no colon, not all digits)', () => {
    fc.assert(
      fc.property(event, (e) => {
        const key = eventKeyOf(e);
        expect(eventKeyOf(structuredClone(e))).toBe(key);
        expect(key).toMatch(EVENT_KEY_PATTERN);
        expect(key).not.toContain(':');
      }),
      { numRuns: 500 },
    );
  });

  it('ignores the order of keys in updates', () => {
    fc.assert(
      fc.property(event, fc.integer(), (e, seed) => {
        const entries = Object.entries(e.updates);
        // A deterministic shuffle driven by the seed.
        const shuffled = entries
          .map((entry, i) => ({ entry, k: Math.sin(seed + i) }))
          .sort((a, b) => a.k - b.k)
          .map(({ entry }) => entry);
        expect(eventKeyOf({ ...e, updates: Object.fromEntries(shuffled) })).toBe(eventKeyOf(e));
      }),
      { numRuns: 500 },
    );
  });

  it('gives distinct tuples distinct keys', () => {
    fc.assert(
      fc.property(event, event, (a, b) => {
        fc.pre(identity(a) !== identity(b));
        expect(eventKeyOf(a)).not.toBe(eventKeyOf(b));
      }),
      { numRuns: 1_000 },
    );
  });

  it('tells apart events that differ in a single field, including across field boundaries', () => {
    fc.assert(
      fc.property(
        event,
        fc.constantFrom<keyof StravaEvent>(
          'objectType',
          'objectId',
          'aspectType',
          'ownerId',
          'subscriptionId',
          'eventTime',
          'updates',
        ),
        event,
        (base, field, other) => {
          const changed = { ...base, [field]: other[field] } as StravaEvent;
          fc.pre(identity(changed) !== identity(base));
          expect(eventKeyOf(changed)).not.toBe(eventKeyOf(base));
        },
      ),
      { numRuns: 1_000 },
    );
    // Values that would collide under naive concatenation.
    const base: StravaEvent = {
      objectType: 'activity',
      objectId: '12',
      aspectType: 'create',
      ownerId: '3',
      subscriptionId: '1',
      eventTime: 1,
      updates: {},
    };
    expect(eventKeyOf(base)).not.toBe(eventKeyOf({ ...base, objectId: '1', ownerId: '23' }));
    expect(eventKeyOf({ ...base, updates: { a: 'b,c' } })).not.toBe(
      eventKeyOf({ ...base, updates: { a: 'b', c: '' } }),
    );
  });

  it('matches a known key (the key is persisted: changing its recipe re-processes old events)', () => {
    const key = eventKeyOf({
      objectType: 'activity',
      objectId: '1360128428',
      aspectType: 'update',
      ownerId: '134815',
      subscriptionId: '120475',
      eventTime: 1516126040,
      updates: { title: 'Messy' },
    });
    expect(key).toMatchInlineSnapshot(
      `"ev-536bc547effd35078bda70fa885170aff5284532ae590bc2e81ea8efec5e321c"`,
    );
  });
});
