import { parseArgs } from 'node:util';
import { ConfigError, windowDaysFrom } from '../../config.js';
import { isValidTimezone } from '../../domain/runs.js';
import type { Units } from '../../domain/types.js';

/** Bad usage: one line on stderr, exit 1. */
export class UsageError extends Error {}

export const USAGE = `usage: npm run analyze -- <file> [options]

Runs RampGuard's detection on a file, the way the service does (docs/analyze.md).
<file> is one of:
  a JSON array of Strava activities (the API's list or detail shape),
  a Strava bulk export's activities.csv,
  RampGuard's own export (GET /account/export, "rampguard-export.v1").

options:
  --as-of ISO          the reference time (default: now; for a RampGuard export,
                       the moment of the service's last analysis)
  --window-days N      the window read before --as-of, as the service reads it
                       (default: WINDOW_DAYS, else 84; at least 60)
  --window-start ISO   an explicit window start instead of --window-days
  --units U            metric or imperial (default: the export's, else metric)
  --timezone IANA      time zone of a CSV's runs (the export has none; default UTC)
  --json               print the detections as JSON
  -h, --help           show this text`;

export type Options = {
  file: string;
  json: boolean;
  units: Units | null;
  asOf: Date | null;
  windowDays: number;
  windowStart: Date | null;
  timeZone: string;
};

function parseInstant(value: string, flag: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag} must be an ISO date or date-time, got "${value}"`);
  }
  return date;
}

function parseWindowDays(value: string | undefined, env: NodeJS.ProcessEnv): number {
  try {
    return windowDaysFrom(value === undefined ? env : { WINDOW_DAYS: value });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const detail = err.problems[0]?.replace(/^WINDOW_DAYS: /, '') ?? 'invalid';
    throw new UsageError(value === undefined ? `WINDOW_DAYS: ${detail}` : `--window-days: ${detail}`);
  }
}

/** The parsed command line, or null for --help. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options | null {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return null;
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(USAGE);
  const units = values.units ?? null;
  if (units !== null && units !== 'metric' && units !== 'imperial')
    throw new UsageError('--units must be metric or imperial');
  const timeZone = values.timezone ?? 'UTC';
  if (!isValidTimezone(timeZone)) throw new UsageError(`--timezone: unknown time zone "${timeZone}"`);
  if (values['window-start'] && values['window-days'])
    throw new UsageError('give --window-days or --window-start, not both');
  return {
    file,
    json: values.json ?? false,
    units,
    asOf: values['as-of'] ? parseInstant(values['as-of'], '--as-of') : null,
    windowDays: parseWindowDays(values['window-days'], env),
    windowStart: values['window-start'] ? parseInstant(values['window-start'], '--window-start') : null,
    timeZone,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      units: { type: 'string' },
      'as-of': { type: 'string' },
      'window-days': { type: 'string' },
      'window-start': { type: 'string' },
      timezone: { type: 'string' },
    },
  });
}
