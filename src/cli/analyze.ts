/**
 * Offline detection on a file: `npm run analyze -- <file> [--json]
 * [--units metric|imperial] [--as-of ISO] [--window-start ISO] [--timezone IANA]`.
 * The file is a JSON array of Strava activities or a bulk-export activities.csv.
 * Bad input ends with one clear line on stderr and exit code 1, never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { detect } from '../domain/detect.js';
import { isValidTimezone } from '../domain/runs.js';
import type { Detection, Run, Shoe, Units } from '../domain/types.js';
import {
  ActivityInputError,
  parseActivitiesCsv,
  parseActivitiesJson,
  shoesFromActivities,
  toRun,
} from '../integrations/strava/activity.js';

class UsageError extends Error {}

const USAGE =
  'usage: npm run analyze -- <activities.json|activities.csv> [--json] [--units metric|imperial] ' +
  '[--as-of ISO] [--window-start ISO] [--timezone IANA]';

type Options = {
  file: string;
  json: boolean;
  units: Units;
  asOf: Date;
  windowStart: Date | null;
  timezone: string;
};

function readOptions(argv: string[]): Options {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(USAGE);
  const units = values.units ?? 'metric';
  if (units !== 'metric' && units !== 'imperial')
    throw new UsageError(`--units must be metric or imperial\n${USAGE}`);
  const timezone = values.timezone ?? 'UTC';
  if (!isValidTimezone(timezone)) throw new UsageError(`--timezone: unknown time zone "${timezone}"`);
  return {
    file,
    json: values.json ?? false,
    units,
    asOf: values['as-of'] ? parseInstant(values['as-of'], '--as-of') : new Date(),
    windowStart: values['window-start'] ? parseInstant(values['window-start'], '--window-start') : null,
    timezone,
  };
}

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      units: { type: 'string' },
      'as-of': { type: 'string' },
      'window-start': { type: 'string' },
      timezone: { type: 'string' },
    },
  });
}

function parseInstant(value: string, flag: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag} must be an ISO date or date-time, got "${value}"`);
  }
  return date;
}

async function loadActivities(options: Options): Promise<{ runs: Run[]; shoes: Shoe[] }> {
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${options.file} (${code})`);
  }
  const looksLikeJson = options.file.endsWith('.json') || /^\s*[[{]/.test(text);
  if (!options.file.endsWith('.csv') && looksLikeJson) {
    const activities = parseActivitiesJson(text);
    const runs = activities.map(toRun);
    const shoes = shoesFromActivities(activities);
    return { runs, shoes: shoes.length > 0 ? shoes : shoesFromFile(runs) };
  }
  const runs = parseActivitiesCsv(text, { timezone: options.timezone });
  return { runs, shoes: shoesFromFile(runs) };
}

/**
 * Without Strava's shoe list, a shoe's all-time distance is the sum of the file's
 * activities in it: exact for a full bulk export, an underestimate for a partial list.
 */
function shoesFromFile(runs: readonly Run[]): Shoe[] {
  const totals = new Map<string, number>();
  for (const run of runs) {
    if (run.gearId) totals.set(run.gearId, (totals.get(run.gearId) ?? 0) + run.distanceM);
  }
  return [...totals].map(([id, distanceM]) => ({ id, name: id, distanceM, retired: false }));
}

function printTable(detections: readonly Detection[], summary: string): void {
  console.log(summary);
  if (detections.length === 0) {
    console.log('No detections.');
    return;
  }
  const table = new Table({
    head: ['Date', 'Kind', 'Severity', 'Activity', 'Message'],
    colWidths: [12, 16, 10, 14, 72],
    wordWrap: true,
    // Colours only on a terminal: piped output stays plain text.
    style: process.stdout.isTTY ? {} : { head: [], border: [] },
  });
  for (const d of detections) table.push([d.localDate, d.kind, d.severity, d.activityId, d.message]);
  console.log(table.toString());
}

async function main(argv: string[]): Promise<void> {
  const options = readOptions(argv);
  const { runs, shoes } = await loadActivities(options);
  const earliest = runs.reduce((min, r) => Math.min(min, r.startDate.getTime()), Number.POSITIVE_INFINITY);
  // The file is the window: without --window-start, it reaches back to its earliest activity.
  const windowStart =
    options.windowStart ?? new Date(Number.isFinite(earliest) ? earliest : options.asOf.getTime());
  const detections = detect({ runs, shoes, asOf: options.asOf, windowStart, units: options.units });
  if (options.json) {
    console.log(JSON.stringify(detections, null, 2));
    return;
  }
  printTable(
    detections,
    `${runs.length} activities, window ${windowStart.toISOString()} to ${options.asOf.toISOString()}: ` +
      `${detections.length} detection(s)`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known = error instanceof UsageError || error instanceof ActivityInputError;
  const message = error instanceof Error ? error.message : String(error);
  console.error(known ? `analyze: ${message}` : `analyze: unexpected error: ${message}`);
  process.exitCode = 1;
});
