import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLastPage, pagingRuleFor } from '../../../src/integrations/strava/last-page.js';
import { listActivityPage } from '../../../src/sim/model/list-activities.js';
import type { SimActivity } from '../../../src/sim/state.js';

const DAY_S = 86_400;
const NOW_S = 1_800_000_000;
const ATHLETE = '77';

function activity(id: number, startS: number, isPrivate: boolean, athleteId = ATHLETE): SimActivity {
  return {
    id: String(id),
    athlete_id: athleteId,
    start_date: new Date(startS * 1000).toISOString(),
    private: isPrivate,
  } as SimActivity;
}

/** Reads the window the way fetchWindow does, against the simulator's list semantics. */
function readWindow(
  all: SimActivity[],
  options: { perPage: number; readsPrivate: boolean; purpose: 'backfill' | 'refresh'; after: number },
) {
  const scopes = options.readsPrivate ? ['read', 'activity:read_all'] : ['read', 'activity:read'];
  const rule = pagingRuleFor(scopes, options.purpose);
  const seen: string[] = [];
  let calls = 0;
  for (let page = 1; page <= 1_000; page++) {
    calls++;
    const items = listActivityPage(all, {
      athleteId: ATHLETE,
      before: null,
      after: options.after,
      page,
      perPage: options.perPage,
      readsPrivate: options.readsPrivate,
    });
    seen.push(...items.map((a) => a.id));
    if (isLastPage(rule, items.length, options.perPage)) break;
  }
  return { seen, calls };
}

function hasFullyHiddenPage(all: SimActivity[], after: number, perPage: number): boolean {
  const listed = all
    .filter((a) => a.athlete_id === ATHLETE && Date.parse(a.start_date) / 1000 > after)
    .sort((a, b) => Date.parse(a.start_date) - Date.parse(b.start_date));
  for (let i = 0; i < listed.length; i += perPage) {
    if (listed.slice(i, i + perPage).every((a) => a.private)) return true;
  }
  return false;
}

const arbActivities = fc
  .array(
    fc.record({
      startOffsetS: fc.integer({ min: -100 * DAY_S, max: 0 }),
      isPrivate: fc.boolean(),
      foreign: fc.boolean(),
    }),
    { maxLength: 80 },
  )
  .map((rows) =>
    rows.map((r, i) =>
      activity(i + 1, NOW_S + r.startOffsetS, r.isPrivate, r.foreign && i % 5 === 0 ? '78' : ATHLETE),
    ),
  );

/**
 * The short-page rules never miss a run (docs/strava.md): whatever the mix of
 * Only You activities, other athletes' activities, page size, scopes and read
 * purpose, the pages read until the rule stops hold every activity the token
 * may see in the window — and a refresh with activity:read_all whose window
 * fits one page costs exactly one call.
 */
describe('paging rules over the simulator list', () => {
  it('never miss a visible activity in the window', () => {
    fc.assert(
      fc.property(
        arbActivities,
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.constantFrom('backfill' as const, 'refresh' as const),
        (all, perPage, readsPrivate, purpose) => {
          const after = NOW_S - 84 * DAY_S;
          // Strava's own contract ("iterate until an empty page") cannot see past a page whose
          // every activity is hidden: that case is outside any rule (docs/strava.md).
          if (!readsPrivate) fc.pre(!hasFullyHiddenPage(all, after, perPage));
          const { seen, calls } = readWindow(all, { perPage, readsPrivate, purpose, after });
          const expected = all
            .filter((a) => a.athlete_id === ATHLETE && Date.parse(a.start_date) / 1000 > after)
            .filter((a) => readsPrivate || !a.private)
            .map((a) => a.id);
          expect(new Set(seen)).toEqual(new Set(expected));
          expect(seen).toHaveLength(expected.length);
          const inWindow = all.filter(
            (a) => a.athlete_id === ATHLETE && Date.parse(a.start_date) / 1000 > after,
          ).length;
          if (readsPrivate && purpose === 'refresh' && inWindow < perPage) expect(calls).toBe(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('pages on past a page cut short by hidden Only You activities', () => {
    // Page 1 of 3 holds two private activities: the token without read_all sees 1 of 3.
    const all = [
      activity(1, NOW_S - 3 * DAY_S, true),
      activity(2, NOW_S - 2 * DAY_S, true),
      activity(3, NOW_S - 2 * DAY_S + 60, false),
      activity(4, NOW_S - DAY_S, false),
    ];
    const read = readWindow(all, { perPage: 3, readsPrivate: false, purpose: 'refresh', after: 0 });
    expect(read.seen).toEqual(['3', '4']);
    expect(read.calls).toBe(3);
  });

  it('stops after one short page with activity:read_all; the backfill still reads the empty page', () => {
    const all = [activity(1, NOW_S - DAY_S, true), activity(2, NOW_S - 60, false)];
    expect(readWindow(all, { perPage: 200, readsPrivate: true, purpose: 'refresh', after: 0 }).calls).toBe(1);
    expect(readWindow(all, { perPage: 200, readsPrivate: true, purpose: 'backfill', after: 0 }).calls).toBe(
      2,
    );
  });
});
