/**
 * Offline detection on a file, with the service's window rule:
 * `npm run analyze -- <file> [options]` (`--help` lists them; docs/analyze.md).
 * Bad input ends with one clear line on stderr and exit code 1, never a stack trace.
 */

import Table from 'cli-table3';
import { ConfigError } from '../config.js';
import { detect } from '../domain/detect.js';
import { DAY_MS } from '../domain/duration.js';
import type { Detection } from '../domain/types.js';
import { ActivityInputError } from '../integrations/strava/activity.js';
import { loadHistory } from './analyze/load-history.js';
import { readOptions, USAGE, UsageError } from './analyze/options.js';
import { printLine } from './print-line.js';

function printTable(detections: readonly Detection[], summary: string): void {
  printLine(summary);
  if (detections.length === 0) {
    printLine('No detections.');
    return;
  }
  // Activity ids are printed whole (they exceed 2^53 and are what `View on Strava` links use).
  const idWidth = Math.max(10, ...detections.map((d) => d.activityId.length)) + 2;
  const table = new Table({
    head: ['Date', 'Kind', 'Severity', 'Activity', 'Message'],
    colWidths: [12, 16, 10, idWidth, 64],
    wordWrap: true,
    // Colours only on a terminal: piped output stays plain text.
    style: process.stdout.isTTY ? {} : { head: [], border: [] },
  });
  for (const d of detections) table.push([d.localDate, d.kind, d.severity, d.activityId, d.message]);
  printLine(table.toString());
}

async function main(argv: string[]): Promise<void> {
  const options = readOptions(argv, process.env);
  if (!options) {
    printLine(USAGE);
    return;
  }
  const history = await loadHistory(options.file, options.timeZone);
  // The service's rule: the window is the WINDOW_DAYS before the analysis's as-of.
  const asOf = options.asOf ?? history.lastAnalyzedAt ?? new Date();
  const windowStart = options.windowStart ?? new Date(asOf.getTime() - options.windowDays * DAY_MS);
  const detections = detect({
    runs: history.runs,
    shoes: history.shoes,
    asOf,
    windowStart,
    units: options.units ?? history.units ?? 'metric',
    previous: history.previous,
  });
  if (options.json) {
    printLine(JSON.stringify(detections, null, 2));
    return;
  }
  const window = options.windowStart ? 'window' : `${options.windowDays}-day window`;
  printTable(
    detections,
    `${history.runs.length} activities, ${window} ${windowStart.toISOString()} to ${asOf.toISOString()}: ` +
      `${detections.length} detection(s)`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof UsageError || error instanceof ActivityInputError || error instanceof ConfigError;
  const message = error instanceof Error ? error.message : String(error);
  console.error(known ? `analyze: ${message}` : `analyze: unexpected error: ${message}`);
  process.exitCode = 1;
});
