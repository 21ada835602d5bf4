import { describe, expect, it } from 'vitest';
import { mayAlert, newSightings, type Sighting, staleSightings } from '../../../src/domain/sightings.js';

const T0 = new Date('2026-03-01T08:00:00Z');
const T1 = new Date('2026-03-02T08:00:00Z');
const sighting = (activityId: string, firstSeenAt: Date, inConnectRead: boolean): Sighting => ({
  activityId,
  firstSeenAt,
  inConnectRead,
});
const byId = (list: Sighting[]) => new Map(list.map((s) => [s.activityId, s]));

describe('what may alert: first sightings', () => {
  it('marks every run of the connect read as history, whatever its start', () => {
    expect(newSightings(new Map(), ['1', '2', '2'], T0, true)).toEqual([
      sighting('1', T0, true),
      sighting('2', T0, true),
    ]);
  });

  it('records only runs never seen before; a run keeps its first sighting', () => {
    const known = byId([sighting('1', T0, true)]);
    expect(newSightings(known, ['1', '3'], T1, false)).toEqual([sighting('3', T1, false)]);
  });

  it.each([
    { label: 'first seen after the connect read', s: sighting('9', T1, false), alerts: true },
    { label: 'in the connect read', s: sighting('9', T0, true), alerts: false },
  ])('a run $label → may alert: $alerts', ({ s, alerts }) => {
    expect(mayAlert('9', byId([s]))).toBe(alerts);
  });

  it('never alerts for a run it has not seen', () => {
    expect(mayAlert('404', byId([sighting('9', T1, false)]))).toBe(false);
  });

  it('drops sightings first seen before the window that this read no longer returns', () => {
    const windowStart = new Date('2026-03-01T12:00:00Z');
    const all = [sighting('old-gone', T0, true), sighting('old-kept', T0, true), sighting('new', T1, false)];
    expect(staleSightings(all, ['old-kept', 'new'], windowStart)).toEqual(['old-gone']);
  });
});
