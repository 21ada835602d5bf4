import type { AppDeps } from '../../../app/deps.js';
import { type DetectionRow, readPlanPage } from '../../../app/plan-page/read-plan-page.js';
import type { RunnerRow } from '../../../app/runner/load-runner.js';
import { calendarFeedUrl } from '../../../calendar/calendar-link.js';
import { compareBySize, type DetectionRecord } from '../../../domain/detection-text.js';
import { type LoadContext, loadContext } from '../../../domain/load-context.js';
import { toLocalDate } from '../../../domain/plan/local-date.js';
import type { PlanJson } from '../../../domain/plan-view.js';
import type { DetectionKind, Severity, Shoe, Units } from '../../../domain/types.js';

export type { DetectionRow };

export type PlanPageData = {
  runner: RunnerRow;
  units: Units;
  plan: PlanJson;
  /** The runner's local date (their time zone), `YYYY-MM-DD`. */
  today: string;
  /** The detections behind the current plan version, largest first. */
  current: DetectionRow[];
  /** Other detections since connecting (they may alert), newest first. */
  sinceConnect: DetectionRow[];
  /** What the connect read found: history, never mailed (docs/alerts.md#what-may-alert), newest first. */
  beforeConnect: DetectionRow[];
  /** When each detection changed the plan: the `since` of the version whose reasons name it. */
  changedPlanAt: ReadonlyMap<string, string>;
  /** How far back the connect read looked, in weeks. */
  historyWeeks: number;
  /** Every loaded detection by id (plan history names its reasons). */
  byId: ReadonlyMap<string, DetectionRow>;
  /** Detections to mark on the weekly chart. */
  all: readonly DetectionRow[];
  /** Cached run names by activity id (the detection cards name their run). */
  runNames: ReadonlyMap<string, string>;
  context: LoadContext;
  shoes: readonly Shoe[];
  calendarUrl: string;
};

const RECENT_SHOWN = 8;

/** Everything `/plan` shows, shaped from what `readPlanPage` reads. Null when the runner no longer exists. */
export async function loadPlanPage(deps: AppDeps, runnerId: string): Promise<PlanPageData | null> {
  const records = await readPlanPage(deps, runnerId);
  if (!records) return null;
  const { runner, plan, detections: rows, runs, shoes } = records;
  const now = deps.clock.now();
  const byId = new Map(rows.map((d) => [d.id, d]));
  // Largest reason first, as in the alert email.
  const current = plan.reasons
    .flatMap((id) => byId.get(id) ?? [])
    .sort((a, b) => compareBySize(record(a), record(b)));
  const currentIds = new Set(current.map((d) => d.id));
  const others = rows.filter((d) => !currentIds.has(d.id));
  const changedPlanAt = new Map<string, string>();
  // History is newest first: the oldest version naming a detection is when it changed the plan.
  for (const version of plan.history) for (const id of version.reasons) changedPlanAt.set(id, version.since);
  return {
    runner,
    units: runner.units,
    plan,
    today: toLocalDate(now, runner.timezone),
    current,
    sinceConnect: others.filter((d) => d.alertable).slice(0, RECENT_SHOWN),
    beforeConnect: others.filter((d) => !d.alertable).slice(0, RECENT_SHOWN),
    changedPlanAt,
    historyWeeks: Math.round(deps.config.windowDays / 7),
    byId,
    all: rows,
    runNames: new Map(runs.map((r) => [r.id, r.name])),
    context: loadContext(runs, now, runner.timezone),
    shoes: [...shoes].sort((a, b) => b.distanceM - a.distanceM),
    calendarUrl: calendarFeedUrl(deps.config, runnerId, now, runner.linkVersion),
  };
}

function record(d: DetectionRow): DetectionRecord {
  return {
    kind: d.kind as DetectionKind,
    severity: d.severity as Severity,
    localDate: d.localDate,
    metrics: d.metrics,
  };
}
