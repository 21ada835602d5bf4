import { z } from 'zod';
import type { PriorDetection } from '../../domain/detect.js';
import type { Run, Shoe, Units } from '../../domain/types.js';
import { ActivityInputError } from '../../integrations/strava/activity.js';

/**
 * Reads RampGuard's own export (`GET /account/export`, built by
 * src/app/export-runner.ts): the cached runs and shoes of the runner's window,
 * the weekly detections already stored (they take part in the 6-day re-report
 * rule) and the moment of the last analysis, so the CLI can repeat exactly what
 * the service computed (docs/analyze.md#accepted-files).
 */
export const EXPORT_FORMAT = 'rampguard-export.v1';

const ZRun = z.object({
  activityId: z.string().regex(/^\d+$/),
  name: z.string(),
  sportType: z.string(),
  type: z.string().nullable(),
  startDate: z.iso.datetime({ offset: true }),
  timezone: z.string(),
  distanceM: z.number(),
  movingTimeS: z.number(),
  averageHeartrate: z.number().nullable(),
  maxHeartrate: z.number().nullable(),
  workoutType: z.number().nullable(),
  gearId: z.string().nullable(),
  manual: z.boolean(),
});
const ZShoe = z.object({ gearId: z.string(), name: z.string(), distanceM: z.number(), retired: z.boolean() });
const ZDetection = z.object({
  key: z.string(),
  kind: z.enum(['session_spike', 'weekly_ramp', 'intensity_ramp', 'gear_change', 'shoe_mileage']),
  severity: z.enum(['info', 'low', 'moderate', 'high']),
  localDate: z.string(),
});
const ZExport = z.object({
  format: z.literal(EXPORT_FORMAT),
  tables: z.object({
    runners: z
      .array(
        z.object({
          units: z.enum(['metric', 'imperial']),
          lastAnalyzedAt: z.iso.datetime({ offset: true }).nullable(),
        }),
      )
      .length(1),
    runs: z.array(ZRun),
    shoes: z.array(ZShoe),
    detections: z.array(ZDetection),
  }),
});

export type ExportHistory = {
  runs: Run[];
  shoes: Shoe[];
  units: Units;
  /** When the service last read Strava for this runner: its analysis's `as-of`. */
  lastAnalyzedAt: Date | null;
  previous: PriorDetection[];
};

export function isRampGuardExport(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { format?: unknown }).format === EXPORT_FORMAT;
}

export function readRampGuardExport(data: unknown): ExportHistory {
  const result = ZExport.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ActivityInputError(
      `not a readable RampGuard export: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
    );
  }
  const { runners, runs, shoes, detections } = result.data.tables;
  const runner = runners[0] as (typeof runners)[number];
  return {
    runs: runs.map((r) => ({
      id: r.activityId,
      name: r.name,
      sportType: r.sportType,
      type: r.type,
      startDate: new Date(r.startDate),
      timeZone: r.timezone,
      distanceM: r.distanceM,
      movingTimeS: r.movingTimeS,
      averageHeartrate: r.averageHeartrate,
      maxHeartrate: r.maxHeartrate,
      workoutType: r.workoutType,
      gearId: r.gearId,
      manual: r.manual,
    })),
    shoes: shoes.map((s) => ({ id: s.gearId, name: s.name, distanceM: s.distanceM, retired: s.retired })),
    units: runner.units,
    lastAnalyzedAt: runner.lastAnalyzedAt ? new Date(runner.lastAnalyzedAt) : null,
    previous: detections.filter((d) => d.kind === 'weekly_ramp' || d.kind === 'intensity_ramp'),
  };
}
