import { readFile } from 'node:fs/promises';
import type { PriorDetection } from '../../domain/detect.js';
import type { Run, Shoe, Units } from '../../domain/types.js';
import {
  ActivityInputError,
  parseActivitiesCsv,
  parseActivitiesJson,
  shoesFromActivities,
  toRun,
} from '../../integrations/strava/activity.js';
import { parseJsonLosslessly } from '../../shared/lossless-json.js';
import { UsageError } from './options.js';
import { isRampGuardExport, readRampGuardExport } from './rampguard-export.js';

export type History = {
  kind: 'strava-json' | 'strava-csv' | 'rampguard-export';
  runs: Run[];
  shoes: Shoe[];
  units: Units | null;
  lastAnalyzedAt: Date | null;
  previous: PriorDetection[];
};

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

/** Reads whichever of the three accepted files `file` is (see USAGE). */
export async function loadHistory(file: string, csvTimezone: string): Promise<History> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${file} (${code})`);
  }
  const looksLikeJson = file.endsWith('.json') || /^\s*[[{]/.test(text);
  if (file.endsWith('.csv') || !looksLikeJson) {
    const runs = parseActivitiesCsv(text, { timeZone: csvTimezone });
    return {
      kind: 'strava-csv',
      runs,
      shoes: shoesFromFile(runs),
      units: null,
      lastAnalyzedAt: null,
      previous: [],
    };
  }
  let data: unknown;
  try {
    data = parseJsonLosslessly(text);
  } catch (error) {
    throw new ActivityInputError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (isRampGuardExport(data)) return { kind: 'rampguard-export', ...readRampGuardExport(data) };
  const activities = parseActivitiesJson(text);
  const runs = activities.map(toRun);
  const shoes = shoesFromActivities(activities);
  return {
    kind: 'strava-json',
    runs,
    shoes: shoes.length > 0 ? shoes : shoesFromFile(runs),
    units: null,
    lastAnalyzedAt: null,
    previous: [],
  };
}
