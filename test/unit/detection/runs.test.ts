import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareIds,
  daysBetween,
  isRun,
  localDay,
  parseStravaTimezone,
  selectAnalysisWindow,
} from '../../../src/domain/runs.js';
import { at, buildRun, DAY_MS } from './factories.js';

describe('isRun', () => {
  it.each([
    { sportType: 'Run', type: 'Run', distanceM: 5000, expected: true },
    { sportType: 'TrailRun', type: 'Run', distanceM: 5000, expected: true },
    { sportType: 'VirtualRun', type: 'VirtualRun', distanceM: 5000, expected: true },
    { sportType: 'VirtualRun', type: null, distanceM: 5000, expected: true },
    // An unknown, newer run-like sport type still carries type "Run".
    { sportType: 'TrackRun', type: 'Run', distanceM: 5000, expected: true },
    { sportType: '', type: 'Run', distanceM: 5000, expected: true },
    { sportType: 'Ride', type: 'Ride', distanceM: 30000, expected: false },
    { sportType: 'Walk', type: 'Walk', distanceM: 5000, expected: false },
    { sportType: 'Hike', type: 'Hike', distanceM: 5000, expected: false },
    { sportType: 'Pickleball', type: null, distanceM: 5000, expected: false },
    { sportType: 'Run', type: 'Run', distanceM: 0, expected: false },
    { sportType: 'Run', type: 'Run', distanceM: -1, expected: false },
    { sportType: 'Run', type: 'Run', distanceM: Number.NaN, expected: false },
  ])('$sportType / $type / $distanceM m → $expected', ({ expected, ...fields }) => {
    expect(isRun(buildRun(fields))).toBe(expected);
  });
});

describe('localDay', () => {
  it.each([
    // 06:30 UTC is still the previous evening in Los Angeles.
    { instant: '2024-03-05T06:30:00Z', tz: 'America/Los_Angeles', expected: '2024-03-04' },
    { instant: '2024-03-05T08:30:00Z', tz: 'America/Los_Angeles', expected: '2024-03-05' },
    // 23:30 UTC is already the next morning in Tokyo and Auckland.
    { instant: '2024-03-05T23:30:00Z', tz: 'Asia/Tokyo', expected: '2024-03-06' },
    { instant: '2024-03-05T11:30:00Z', tz: 'Pacific/Auckland', expected: '2024-03-06' },
    { instant: '2024-03-05T23:30:00Z', tz: 'UTC', expected: '2024-03-05' },
    // US DST starts 2024-03-10 02:00 local: PST (UTC−8) before, PDT (UTC−7) after.
    { instant: '2024-03-10T07:59:00Z', tz: 'America/Los_Angeles', expected: '2024-03-09' },
    { instant: '2024-03-10T08:00:00Z', tz: 'America/Los_Angeles', expected: '2024-03-10' },
    { instant: '2024-03-11T06:59:00Z', tz: 'America/Los_Angeles', expected: '2024-03-10' },
    { instant: '2024-03-11T07:00:00Z', tz: 'America/Los_Angeles', expected: '2024-03-11' },
    // EU DST ends 2024-10-27: CEST (UTC+2) before, CET (UTC+1) after.
    { instant: '2024-10-26T21:59:00Z', tz: 'Europe/Berlin', expected: '2024-10-26' },
    { instant: '2024-10-26T22:00:00Z', tz: 'Europe/Berlin', expected: '2024-10-27' },
    { instant: '2024-10-27T22:59:00Z', tz: 'Europe/Berlin', expected: '2024-10-27' },
    { instant: '2024-10-27T23:00:00Z', tz: 'Europe/Berlin', expected: '2024-10-28' },
    // Half-hour zone.
    { instant: '2024-03-05T18:29:00Z', tz: 'Asia/Kolkata', expected: '2024-03-05' },
    { instant: '2024-03-05T18:30:00Z', tz: 'Asia/Kolkata', expected: '2024-03-06' },
    // Unknown zones fall back to UTC rather than throwing.
    { instant: '2024-03-05T23:30:00Z', tz: 'Mars/Olympus_Mons', expected: '2024-03-05' },
  ])('$instant in $tz → $expected', ({ instant, tz, expected }) => {
    expect(localDay(new Date(instant), tz)).toBe(expected);
  });
});

describe('day arithmetic', () => {
  it.each([
    { date: '2024-02-28', days: 1, expected: '2024-02-29' },
    { date: '2024-02-29', days: 1, expected: '2024-03-01' },
    { date: '2023-12-31', days: 1, expected: '2024-01-01' },
    { date: '2024-03-31', days: -31, expected: '2024-02-29' },
    { date: '2024-03-10', days: 0, expected: '2024-03-10' },
  ])('addDays($date, $days) = $expected', ({ date, days, expected }) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it('counts calendar days across a DST change as whole days', () => {
    expect(daysBetween('2024-03-09', '2024-03-11')).toBe(2);
    expect(daysBetween('2024-10-26', '2024-10-28')).toBe(2);
  });

  it('rejects malformed dates', () => {
    expect(() => addDays('2024-3-1', 1)).toThrow(RangeError);
  });
});

describe('parseStravaTimezone', () => {
  it.each([
    { value: '(GMT-08:00) America/Los_Angeles', offset: undefined, expected: 'America/Los_Angeles' },
    { value: '(GMT+01:00) Europe/Berlin', offset: undefined, expected: 'Europe/Berlin' },
    { value: '(GMT+05:30) Asia/Kolkata', offset: undefined, expected: 'Asia/Kolkata' },
    { value: '(GMT+00:00) Etc/UTC', offset: undefined, expected: 'Etc/UTC' },
    { value: 'America/New_York', offset: undefined, expected: 'America/New_York' },
    { value: '  (GMT-05:00) America/New_York  ', offset: undefined, expected: 'America/New_York' },
    { value: '(GMT-08:00) Nowhere/Special', offset: undefined, expected: 'UTC' },
    { value: 'garbage with spaces', offset: undefined, expected: 'UTC' },
    { value: '', offset: undefined, expected: 'UTC' },
    { value: null, offset: undefined, expected: 'UTC' },
    // Unknown name but a whole-hour utc_offset: a fixed zone (Etc signs are inverted).
    { value: '(GMT-08:00) Nowhere/Special', offset: -28800, expected: 'Etc/GMT+8' },
    { value: null, offset: 7200, expected: 'Etc/GMT-2' },
    { value: null, offset: 0, expected: 'UTC' },
    { value: null, offset: 19800, expected: 'UTC' },
  ])('$value ($offset) → $expected', ({ value, offset, expected }) => {
    expect(parseStravaTimezone(value, offset)).toBe(expected);
  });
});

describe('compareIds', () => {
  it('orders decimal ids numerically, beyond 2^53 too', () => {
    const ids = ['18446744073709551615', '9', '10', '9007199254740993', '9007199254740992'];
    expect([...ids].sort(compareIds)).toEqual([
      '9',
      '10',
      '9007199254740992',
      '9007199254740993',
      '18446744073709551615',
    ]);
  });
});

describe('selectAnalysisWindow', () => {
  it('keeps runs starting in the last `days` × 24 h up to asOf, edges included', () => {
    const asOf = at(100, 12);
    const edge = buildRun({ startDate: new Date(asOf.getTime() - 84 * DAY_MS) });
    const tooOld = buildRun({ startDate: new Date(asOf.getTime() - 84 * DAY_MS - 1) });
    const now = buildRun({ startDate: asOf });
    const future = buildRun({ startDate: new Date(asOf.getTime() + 1) });
    const window = selectAnalysisWindow([tooOld, edge, now, future], asOf, 84);
    expect(window.windowStart).toEqual(new Date(asOf.getTime() - 84 * DAY_MS));
    expect(window.runs.map((r) => r.id)).toEqual([edge.id, now.id]);
  });
});
