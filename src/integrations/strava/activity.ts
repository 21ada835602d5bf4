import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { parseStravaTimezone } from '../../domain/runs.js';
import type { Run, Shoe } from '../../domain/types.js';
import { parseJsonLosslessly } from '../../shared/lossless-json.js';

/**
 * Strava activities in, normalized `Run`s out: the zod schema of the API's
 * SummaryActivity/DetailedActivity (docs/strava-api.md#activity-fields), read losslessly (ids can
 * exceed 2^53, `src/shared/lossless-json.ts`), and a reader for the bulk export's `activities.csv`.
 */

/** Bad input with a message fit for a person (file, row, field). */
export class ActivityInputError extends Error {
  override name = 'ActivityInputError';
}

/**
 * A Strava id as a decimal string. A JSON number is accepted only while it is a
 * safe integer: beyond 2^53 `JSON.parse` has already changed it, and a silently
 * wrong id is worse than an error. Read such bodies with `parseJsonLosslessly`.
 */
export const ZStravaId = z.union([
  z.string().regex(/^\d+$/, 'expected a decimal id'),
  z
    .number()
    .refine(
      (n) => Number.isSafeInteger(n) && n >= 0,
      'id is not a safe integer (parse the body with parseJsonLosslessly)',
    )
    .transform((n) => String(n)),
]);

export const ZSummaryGear = z.object({
  id: z.string(),
  name: z.string().nullish(),
  distance: z.number().nullish(),
  retired: z.boolean().nullish(),
});

export const ZStravaActivity = z
  .object({
    id: ZStravaId,
    name: z.string().nullish(),
    sport_type: z.string().nullish(),
    /** Deprecated and coarser (TrailRun has `type: "Run"`); the fallback classification. */
    type: z.string().nullish(),
    distance: z.number().nonnegative(),
    moving_time: z.number().nonnegative().nullish(),
    elapsed_time: z.number().nonnegative().nullish(),
    /** The instant (UTC). `start_date_local` carries a misleading `Z` and is never used for days. */
    start_date: z.iso.datetime({ offset: true }),
    start_date_local: z.string().nullish(),
    timezone: z.string().nullish(),
    utc_offset: z.number().nullish(),
    has_heartrate: z.boolean().nullish(),
    average_heartrate: z.number().positive().nullish(),
    max_heartrate: z.number().positive().nullish(),
    workout_type: z.number().int().nullish(),
    gear_id: z.string().nullish(),
    gear: ZSummaryGear.nullish(),
    manual: z.boolean().nullish(),
    trainer: z.boolean().nullish(),
    commute: z.boolean().nullish(),
    private: z.boolean().nullish(),
    visibility: z.string().nullish(),
    athlete: z.object({ id: ZStravaId }).nullish(),
  })
  .refine((a) => Boolean(a.sport_type || a.type), {
    message: 'needs sport_type or type',
    path: ['sport_type'],
  });

export type StravaActivity = z.output<typeof ZStravaActivity>;

/** The normalized run detection and the plan page need (no raw payload is kept, docs/data.md). */
export function toRun(activity: StravaActivity): Run {
  // Heart-rate fields are meaningful only when Strava says the activity has heart rate.
  const hasHeartrate = activity.has_heartrate !== false;
  return {
    id: activity.id,
    name: activity.name ?? '',
    sportType: activity.sport_type || activity.type || '',
    type: activity.type ?? null,
    startDate: new Date(activity.start_date),
    timeZone: parseStravaTimezone(activity.timezone, activity.utc_offset),
    distanceM: activity.distance,
    movingTimeS: activity.moving_time ?? activity.elapsed_time ?? 0,
    averageHeartrate: hasHeartrate ? (activity.average_heartrate ?? null) : null,
    maxHeartrate: hasHeartrate ? (activity.max_heartrate ?? null) : null,
    workoutType: activity.workout_type ?? null,
    gearId: activity.gear_id ?? activity.gear?.id ?? null,
    manual: activity.manual ?? false,
  };
}

/** Shoes named in DetailedActivity `gear` summaries (the last one seen per id wins). */
export function shoesFromActivities(activities: readonly StravaActivity[]): Shoe[] {
  const shoes = new Map<string, Shoe>();
  for (const { gear } of activities) {
    if (!gear || typeof gear.distance !== 'number') continue;
    shoes.set(gear.id, {
      id: gear.id,
      name: gear.name ?? gear.id,
      distanceM: gear.distance,
      retired: gear.retired ?? false,
    });
  }
  return [...shoes.values()];
}

/** A JSON array of Strava activities (or one activity), validated; ids stay exact. */
export function parseActivitiesJson(text: string): StravaActivity[] {
  let data: unknown;
  try {
    data = parseJsonLosslessly(text);
  } catch (error) {
    throw new ActivityInputError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const items = Array.isArray(data) ? data : [data];
  const problems: string[] = [];
  const activities: StravaActivity[] = [];
  items.forEach((item, index) => {
    const result = ZStravaActivity.safeParse(item);
    if (result.success) activities.push(result.data);
    else {
      for (const issue of result.error.issues) {
        problems.push(
          `activity ${index}${issue.path.length ? ` field ${issue.path.join('.')}` : ''}: ${issue.message}`,
        );
      }
    }
  });
  if (problems.length > 0) {
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    throw new ActivityInputError(`invalid Strava activities: ${problems.slice(0, 5).join('; ')}${more}`);
  }
  return activities;
}

// ---------------------------------------------------------------------------
// Bulk export activities.csv

export type CsvOptions = {
  /** IANA zone for local days. The export has no time-zone column; its dates are UTC. */
  timeZone?: string;
};

const REQUIRED_COLUMNS = ['Activity ID', 'Activity Date', 'Activity Type', 'Distance'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Runs (and other activities) from the bulk export's `activities.csv`.
 *
 * Assumptions, from exports seen in the wild: `Activity Date` is UTC, like
 * "Oct 8, 2026, 11:00:00 AM". Several columns appear twice (Distance, Elapsed
 * Time, Max Heart Rate, …): display values first, raw units last. With two
 * `Distance` columns the last is meters; a lone `Distance` column is the display
 * value in km (runs). `Activity Gear` holds the shoe's name, which serves as its
 * id. The export has no `workout_type`, so only heart rate and pace mark hard runs.
 */
export function parseActivitiesCsv(text: string, options: CsvOptions = {}): Run[] {
  let rows: string[][];
  try {
    rows = parseCsv(text, { bom: true, relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    throw new ActivityInputError(
      `not a readable CSV file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const [header, ...records] = rows;
  if (!header) throw new ActivityInputError('the CSV file is empty');
  const columns = indexColumns(header);
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) {
    throw new ActivityInputError(`not a Strava activities.csv: missing column(s) ${missing.join(', ')}`);
  }
  const timeZone = parseStravaTimezone(options.timeZone ?? 'UTC');
  return records.map((record, index) => csvRowToRun(record, columns, timeZone, index + 2));
}

function csvRowToRun(record: string[], columns: Map<string, number[]>, timeZone: string, row: number): Run {
  const cell = (name: string, occurrence: 'first' | 'last' = 'first') => {
    const values = (columns.get(name) ?? []).map((i) => (record[i] ?? '').trim()).filter((v) => v !== '');
    return (occurrence === 'first' ? values[0] : values[values.length - 1]) ?? null;
  };
  const number = (name: string, occurrence: 'first' | 'last' = 'first') =>
    parseNumber(cell(name, occurrence));
  const id = cell('Activity ID');
  if (!id || !/^\d+$/.test(id))
    throw new ActivityInputError(`activities.csv row ${row}: invalid Activity ID "${id ?? ''}"`);
  const date = cell('Activity Date');
  const startDate = date ? parseExportDate(date) : null;
  if (!startDate)
    throw new ActivityInputError(`activities.csv row ${row}: unreadable Activity Date "${date ?? ''}"`);
  const distanceColumns = columns.get('Distance')?.length ?? 0;
  const rawDistance = distanceColumns > 1 ? number('Distance', 'last') : null;
  const displayKm = number('Distance', 'first');
  const distanceM = rawDistance ?? (displayKm === null ? 0 : displayKm * 1000);
  const fromUpload = number('From Upload');
  return {
    id,
    name: cell('Activity Name') ?? '',
    // "Virtual Run" → "VirtualRun", "Trail Run" → "TrailRun": the API's sport_type spelling.
    sportType: (cell('Activity Type') ?? '').replace(/\s+/g, ''),
    type: null,
    startDate,
    timeZone,
    distanceM,
    movingTimeS: number('Moving Time') ?? number('Elapsed Time', 'last') ?? 0,
    averageHeartrate: positiveOrNull(number('Average Heart Rate')),
    maxHeartrate: positiveOrNull(number('Max Heart Rate', 'last')),
    workoutType: null,
    gearId: cell('Activity Gear'),
    manual: fromUpload === 0,
  };
}

function indexColumns(header: readonly string[]): Map<string, number[]> {
  const columns = new Map<string, number[]>();
  header.forEach((name, i) => {
    const key = name.trim();
    columns.set(key, [...(columns.get(key) ?? []), i]);
  });
  return columns;
}

function parseNumber(value: string | null): number | null {
  if (value === null) return null;
  const plain = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(value) ? value.replace(/,/g, '') : value;
  const n = Number(plain);
  return Number.isFinite(n) ? n : null;
}

function positiveOrNull(n: number | null): number | null {
  return n !== null && n > 0 ? n : null;
}

/** "Oct 8, 2026, 11:00:00 AM" (UTC) or an ISO date-time; null when unreadable. */
function parseExportDate(value: string): Date | null {
  const m =
    /^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),\s*(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$/.exec(
      value,
    );
  if (m) {
    const month = MONTHS.indexOf((m[1] ?? '').toLowerCase());
    let hour = Number(m[4]);
    const meridiem = m[7]?.toUpperCase();
    if (month < 0 || hour > 23 || (meridiem && (hour < 1 || hour > 12))) return null;
    if (meridiem === 'PM' && hour < 12) hour += 12;
    if (meridiem === 'AM' && hour === 12) hour = 0;
    return new Date(Date.UTC(Number(m[3]), month, Number(m[2]), hour, Number(m[5]), Number(m[6] ?? 0)));
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) {
    const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value.replace(' ', 'T')}Z`;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}
