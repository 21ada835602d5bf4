import type { Tx } from '../../db/client.js';
import { lockRunnerState } from '../../db/locks.js';
import {
  loadWeeklyDetections,
  recordDetections,
  type StoredDetection,
} from '../../db/repositories/detections.js';
import { insertOutboxRows } from '../../db/repositories/email-outbox.js';
import { deleteSightings, insertSightings, loadSightings } from '../../db/repositories/run-sightings.js';
import { loadRunner, recordAnalysisCommitted } from '../../db/repositories/runners.js';
import { loadShoes, replaceRuns, upsertShoes } from '../../db/repositories/runs.js';
import { detect } from '../../domain/detect.js';
import { DAY_MS } from '../../domain/duration.js';
import { mayAlert, newSightings, type Sighting, staleSightings } from '../../domain/sightings.js';
import type { Detection, Run, Units } from '../../domain/types.js';
import type { AppDeps } from '../deps.js';
import { advancePlan } from './advance-plan.js';
import { fetchWindow } from './fetch-window.js';
import { type PlannedEmail, shoeMileageEmail } from './plan-emails.js';

export type AnalysisResult =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'done'; runs: number; detections: number; planChanged: boolean; outboxIds: number[] };

/**
 * One analysis of one runner (docs/webhooks.md): read the current truth from Strava
 * (outside any transaction), then in one transaction replace the cached runs,
 * store new detections, move the plan and queue its emails. Returns the new
 * outbox ids for the caller to enqueue after commit.
 *
 * Analyses of one runner are serialized by a per-runner advisory lock, and an
 * analysis whose Strava read started before the last committed one writes
 * nothing: the newest read of Strava always wins, whatever the job order.
 */
export async function analyzeRunner(
  deps: AppDeps,
  runnerId: string,
  onProgress?: (page: number, runsSoFar: number) => Promise<void>,
): Promise<AnalysisResult> {
  const { db, clock, config } = deps;
  const runner = await loadRunner(db, runnerId);
  if (!runner) return { outcome: 'skipped', reason: 'runner deleted' };
  if (runner.disconnectedAt) return { outcome: 'skipped', reason: 'runner disconnected' };

  const readStartedAt = clock.now();
  const windowStart = new Date(readStartedAt.getTime() - config.windowDays * DAY_MS);
  const cachedShoes = await loadShoes(db, runnerId);
  const fetched = await fetchWindow(deps, runner, windowStart, cachedShoes, readStartedAt, onProgress);

  return db.transaction(async (tx) => {
    await lockRunnerState(tx, runnerId);
    const fresh = await loadRunner(tx, runnerId);
    if (!fresh) return { outcome: 'skipped', reason: 'runner deleted' } as const;
    if (fresh.lastAnalyzedAt && fresh.lastAnalyzedAt > readStartedAt) {
      return { outcome: 'skipped', reason: 'a newer analysis already committed' } as const;
    }
    await replaceRuns(tx, runnerId, fetched.runs, readStartedAt);
    if (fetched.shoes) await upsertShoes(tx, runnerId, fetched.shoes, readStartedAt);
    const shoes = fetched.shoes ?? cachedShoes;

    const found = detect({
      runs: fetched.runs,
      shoes,
      asOf: readStartedAt,
      windowStart,
      units: fresh.units as Units,
      previous: await loadWeeklyDetections(tx, runnerId),
    });
    // The read that ends a connect is history: its runs never alert (docs/alerts.md#what-may-alert).
    const connectRead = fresh.connectReadAt === null;
    const sightings = await recordSightings(
      tx,
      runnerId,
      fetched.runs,
      readStartedAt,
      windowStart,
      connectRead,
    );
    const isAlertable = (d: Detection) => mayAlert(d.activityId, sightings);
    const changed = await recordDetections(tx, runnerId, found, isAlertable, readStartedAt);
    const timeZone = latestTimezone(fetched.runs) ?? fresh.timezone;
    const triggers = changed.filter((d) => d.alertable && d.kind !== 'shoe_mileage');
    const advance = await advancePlan(tx, runnerId, triggers, readStartedAt, timeZone);
    const emails: PlannedEmail[] = [
      ...advance.emails,
      ...changed
        .filter((d) => d.alertable && d.kind === 'shoe_mileage')
        .map((d) => shoeMileageEmail(runnerId, d)),
    ];
    const outboxIds = await insertOutboxRows(tx, runnerId, emails, readStartedAt);

    // A request that arrived after this read started stays due: its change may not be in this read.
    await recordAnalysisCommitted(tx, runnerId, {
      timeZone: timeZone,
      readStartedAt,
      connectRead,
      runs: fetched.runs.length,
    });
    return {
      outcome: 'done',
      runs: fetched.runs.length,
      detections: changed.length,
      planChanged: advance.change !== null,
      outboxIds,
    } as const;
  });
}

/**
 * Records the runs this read saw for the first time and drops sightings no read can need again;
 * returns every sighting of the runner's window.
 */
async function recordSightings(
  tx: Tx,
  runnerId: string,
  runs: readonly Run[],
  readStartedAt: Date,
  windowStart: Date,
  connectRead: boolean,
): Promise<ReadonlyMap<string, Sighting>> {
  const known = await loadSightings(tx, runnerId);
  const runIds = runs.map((r) => r.id);
  const added = newSightings(known, runIds, readStartedAt, connectRead);
  await insertSightings(tx, runnerId, added);
  const all = new Map(known);
  for (const s of added) all.set(s.activityId, s);
  await deleteSightings(tx, runnerId, staleSightings(all.values(), runIds, windowStart));
  return all;
}

function latestTimezone(runs: readonly { startDate: Date; timeZone: string }[]): string | undefined {
  let latest: { startDate: Date; timeZone: string } | undefined;
  for (const r of runs) if (!latest || r.startDate > latest.startDate) latest = r;
  return latest?.timeZone;
}

export type { StoredDetection };
