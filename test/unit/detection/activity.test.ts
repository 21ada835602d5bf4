import { describe, expect, it } from 'vitest';
import {
  ActivityInputError,
  parseActivitiesCsv,
  parseActivitiesJson,
  shoesFromActivities,
  toRun,
  ZStravaActivity,
} from '../../../src/integrations/strava/activity.js';
import { parseJsonLosslessly } from '../../../src/shared/lossless-json.js';

const summary = {
  resource_state: 2,
  athlete: { id: 134815, resource_state: 1 },
  name: 'Happy Friday',
  distance: 24931.4,
  moving_time: 4500,
  elapsed_time: 4500,
  total_elevation_gain: 0,
  type: 'Run',
  sport_type: 'TrailRun',
  workout_type: null,
  id: 154504250376823,
  start_date: '2018-05-02T12:15:09Z',
  start_date_local: '2018-05-02T05:15:09Z',
  timezone: '(GMT-08:00) America/Los_Angeles',
  utc_offset: -25200,
  has_heartrate: true,
  average_heartrate: 152.3,
  max_heartrate: 178,
  gear_id: 'g12345',
  manual: false,
  trainer: false,
  private: false,
};

describe('parseJsonLosslessly', () => {
  it('keeps integers beyond 2^53 exact, as strings', () => {
    const parsed = parseJsonLosslessly(
      '[{"id": 18446744073709551615, "athlete": {"id":9007199254740993}, "n": 12}]',
    );
    expect(parsed).toEqual([{ id: '18446744073709551615', athlete: { id: '9007199254740993' }, n: 12 }]);
  });

  it('leaves strings, decimals, exponents and safe integers alone', () => {
    const text =
      '{"name":"id: 18446744073709551615 \\"quoted\\" 99999999999999999999","x":1.5,"y":-2e30,"z":-9007199254740991}';
    expect(parseJsonLosslessly(text)).toEqual({
      name: 'id: 18446744073709551615 "quoted" 99999999999999999999',
      x: 1.5,
      y: -2e30,
      z: -9007199254740991,
    });
  });

  it('quotes negative unsafe integers too and still rejects invalid JSON', () => {
    expect(parseJsonLosslessly('[-18446744073709551615]')).toEqual(['-18446744073709551615']);
    expect(() => parseJsonLosslessly('[1,')).toThrow(SyntaxError);
  });
});

describe('parseActivitiesJson and toRun', () => {
  it('reads an id > 2^53 exactly (18446744073709551615)', () => {
    const text = JSON.stringify([summary]).replace('154504250376823', '18446744073709551615');
    const [activity] = parseActivitiesJson(text);
    expect(activity?.id).toBe('18446744073709551615');
    expect(activity && toRun(activity).id).toBe('18446744073709551615');
  });

  it('normalizes a SummaryActivity into a Run', () => {
    const [activity] = parseActivitiesJson(JSON.stringify(summary));
    expect(activity && toRun(activity)).toEqual({
      id: '154504250376823',
      name: 'Happy Friday',
      sportType: 'TrailRun',
      type: 'Run',
      startDate: new Date('2018-05-02T12:15:09Z'),
      timeZone: 'America/Los_Angeles',
      distanceM: 24931.4,
      movingTimeS: 4500,
      averageHeartrate: 152.3,
      maxHeartrate: 178,
      workoutType: null,
      gearId: 'g12345',
      manual: false,
    });
  });

  it('drops heart rate when has_heartrate is false and tolerates missing optional fields', () => {
    const minimal = {
      id: '42',
      distance: 5000,
      start_date: '2024-01-01T07:00:00Z',
      type: 'Run',
      has_heartrate: false,
      average_heartrate: 150,
    };
    const [activity] = parseActivitiesJson(JSON.stringify([minimal]));
    expect(activity && toRun(activity)).toMatchObject({
      id: '42',
      name: '',
      sportType: 'Run',
      timeZone: 'UTC',
      movingTimeS: 0,
      averageHeartrate: null,
      gearId: null,
      manual: false,
    });
  });

  it('takes the gear id and shoe from a DetailedActivity gear summary', () => {
    const detailed = {
      ...summary,
      gear_id: undefined,
      gear: { id: 'g9', name: 'Racer', distance: 123_000, primary: false },
    };
    const [activity] = parseActivitiesJson(JSON.stringify(detailed));
    expect(activity && toRun(activity).gearId).toBe('g9');
    expect(shoesFromActivities(activity ? [activity] : [])).toEqual([
      { id: 'g9', name: 'Racer', distanceM: 123_000, retired: false },
    ]);
  });

  it.each([
    { label: 'not JSON', text: '{"id": 1,', message: /not valid JSON/ },
    {
      label: 'missing distance',
      text: JSON.stringify([{ ...summary, distance: undefined }]),
      message: /activity 0 field distance/,
    },
    {
      label: 'bad start_date',
      text: JSON.stringify([{ ...summary, start_date: 'yesterday' }]),
      message: /field start_date/,
    },
    {
      label: 'no sport type',
      text: JSON.stringify([{ ...summary, type: undefined, sport_type: undefined }]),
      message: /sport_type/,
    },
    { label: 'negative id', text: JSON.stringify([{ ...summary, id: -5 }]), message: /field id/ },
  ])('rejects $label with a clear message', ({ text, message }) => {
    expect(() => parseActivitiesJson(text)).toThrow(ActivityInputError);
    expect(() => parseActivitiesJson(text)).toThrow(message);
  });

  it('refuses a numeric id that already lost precision', () => {
    const result = ZStravaActivity.safeParse({ ...summary, id: 2 ** 64 });
    expect(result.success).toBe(false);
  });
});

const HEADER =
  'Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,Max Heart Rate,' +
  'Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,' +
  'Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Grade,' +
  'Average Grade,Average Positive Grade,Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,' +
  'Average Heart Rate,Max Watts,Average Watts,Calories,From Upload';

/** One export row, with cells placed by header position (display values first, raw last). */
function csvRow(cells: Record<number, string>): string {
  const count = HEADER.split(',').length;
  return Array.from({ length: count }, (_, i) => {
    const value = cells[i] ?? '';
    return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  }).join(',');
}

describe('parseActivitiesCsv', () => {
  const text = [
    HEADER,
    csvRow({
      0: '18446744073709551615',
      1: 'Oct 8, 2026, 11:00:00 PM',
      2: 'Evening Run, with "quotes"',
      3: 'Run',
      4: 'line one\nline two',
      5: '3000',
      6: '10.02',
      7: '181',
      11: 'Pegasus 40',
      15: '3000.0',
      16: '2900.0',
      17: '10021.5',
      30: '181.0',
      31: '150.4',
      35: '1.0',
    }),
    csvRow({
      0: '102',
      1: 'Oct 9, 2026, 7:05:00 AM',
      2: 'Zwift',
      3: 'Virtual Run',
      5: '1800',
      6: '5.00',
      16: '1800',
      17: '5000',
    }),
    csvRow({
      0: '103',
      1: 'Oct 9, 2026, 12:30:00 PM',
      2: 'Lunch Ride',
      3: 'Ride',
      6: '30.5',
      16: '3600',
      17: '30500',
      35: '0.0',
    }),
  ].join('\n');

  it('reads ids losslessly, duplicate columns (raw last), UTC dates and gear names', () => {
    const runs = parseActivitiesCsv(text);
    expect(runs).toHaveLength(3);
    expect(runs[0]).toEqual({
      id: '18446744073709551615',
      name: 'Evening Run, with "quotes"',
      sportType: 'Run',
      type: null,
      startDate: new Date('2026-10-08T23:00:00Z'),
      timeZone: 'UTC',
      distanceM: 10021.5,
      movingTimeS: 2900,
      averageHeartrate: 150.4,
      maxHeartrate: 181,
      workoutType: null,
      gearId: 'Pegasus 40',
      manual: false,
    });
    expect(runs[1]).toMatchObject({
      sportType: 'VirtualRun',
      startDate: new Date('2026-10-09T07:05:00Z'),
      gearId: null,
    });
    expect(runs[2]).toMatchObject({ sportType: 'Ride', distanceM: 30_500, manual: true });
  });

  it('uses the given time zone for local days', () => {
    const [run] = parseActivitiesCsv(text, { timeZone: 'Europe/Berlin' });
    expect(run?.timeZone).toBe('Europe/Berlin');
  });

  it('treats a lone Distance column as km', () => {
    const lone =
      'Activity ID,Activity Date,Activity Type,Distance,Moving Time\n7,"Jan 2, 2024, 12:00:00 AM",Run,"1,234.5",600';
    expect(parseActivitiesCsv(lone)[0]).toMatchObject({
      distanceM: 1_234_500,
      movingTimeS: 600,
      startDate: new Date('2024-01-02T00:00:00Z'),
    });
  });

  it.each([
    { label: 'an empty file', text: '', message: /empty/ },
    {
      label: 'another CSV',
      text: 'a,b\n1,2',
      message: /missing column\(s\) Activity ID, Activity Date, Activity Type, Distance/,
    },
    {
      label: 'a bad date',
      text: `${HEADER}\n${csvRow({ 0: '5', 1: 'someday', 3: 'Run', 6: '5' })}`,
      message: /row 2: unreadable Activity Date/,
    },
    {
      label: 'a bad id',
      text: `${HEADER}\n${csvRow({ 0: 'abc', 1: 'Jan 1, 2024, 1:00:00 AM', 3: 'Run' })}`,
      message: /row 2: invalid Activity ID/,
    },
    { label: 'broken quoting', text: `${HEADER}\n"unterminated`, message: /not a readable CSV/ },
  ])('rejects $label', ({ text: input, message }) => {
    expect(() => parseActivitiesCsv(input)).toThrow(ActivityInputError);
    expect(() => parseActivitiesCsv(input)).toThrow(message);
  });
});
