import type { Finding } from './detection/finding.js';
import { severityRank } from './detection/finding.js';
import { detectGearChanges } from './detection/gear-change.js';
import { detectIntensityRamps } from './detection/intensity-ramp.js';
import { detectSessionSpikes } from './detection/session-spike.js';
import { detectShoeMileage } from './detection/shoe-mileage.js';
import { buildTimeline } from './detection/timeline.js';
import { detectWeeklyRamps } from './detection/weekly-ramp.js';
import { detectionMessage, detectionMetrics } from './messages.js';
import { dayNumber } from './runs.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';
import type { Detection, DetectionKind, Run, Shoe, Units } from './types.js';

/** A weekly detection already stored for the runner (only these fields matter). */
export type PriorDetection = Pick<Detection, 'key' | 'kind' | 'severity' | 'localDate'>;

export type DetectInput = {
  /** The runner's activities in the analysis window; non-runs are ignored by every rule but shoe totals. */
  runs: readonly Run[];
  shoes: readonly Shoe[];
  /** Reference time: activities starting after it are ignored. */
  asOf: Date;
  /** Earliest instant the window read from Strava covers (gates each kind's lookback). */
  windowStart: Date;
  units: Units;
  thresholds?: Thresholds;
  /**
   * Weekly detections stored earlier. They take part in the 6-day re-report rule,
   * so a day whose earlier anchor has slid out of the window is still not re-reported.
   */
  previous?: readonly PriorDetection[];
};

const KIND_ORDER: readonly DetectionKind[] = [
  'session_spike',
  'weekly_ramp',
  'intensity_ramp',
  'gear_change',
  'shoe_mileage',
];

/**
 * docs/detection.md detection: a pure function of the runner's activities, shoes and a
 * reference time. The same input always gives the same detections, in the same
 * order (by run start, then kind, then key), whatever the input order.
 */
export function detect(input: DetectInput): Detection[] {
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const timeline = buildTimeline(input);
  const findings = [
    ...detectSessionSpikes(timeline, thresholds),
    ...suppressWeeklyRepeats(
      [...detectWeeklyRamps(timeline, thresholds), ...detectIntensityRamps(timeline, thresholds)],
      input.previous ?? [],
      thresholds.weeklySuppressionDays,
    ),
    ...detectGearChanges(timeline, input.shoes, thresholds),
    ...detectShoeMileage(timeline, input.shoes, thresholds),
  ];
  return findings.map((f) => toDetection(f, input.units, thresholds)).sort(compareDetections);
}

/**
 * docs/detection.md: a weekly kind is "not stored again within 6 days of the same kind at an
 * equal or higher severity". Days are walked in order; a candidate is dropped when
 * an earlier kept (or previously stored) detection of its kind lies at most
 * `withinDays` before it with an equal or higher severity. A candidate whose key
 * is already stored is kept: re-emitting it is idempotent.
 */
export function suppressWeeklyRepeats(
  findings: readonly Finding[],
  previous: readonly PriorDetection[],
  withinDays: number,
): Finding[] {
  const storedKeys = new Set(previous.map((p) => p.key));
  const anchors = previous.map((p) => ({
    kind: p.kind,
    day: dayNumber(p.localDate),
    rank: severityRank(p.severity),
  }));
  const ordered = [...findings].sort(
    (a, b) => a.trigger.day - b.trigger.day || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const kept: Finding[] = [];
  for (const finding of ordered) {
    const day = finding.trigger.day;
    const rank = severityRank(finding.severity);
    const repeated = anchors.some(
      (a) => a.kind === finding.kind && a.day < day && day - a.day <= withinDays && a.rank >= rank,
    );
    if (repeated && !storedKeys.has(finding.key)) continue;
    kept.push(finding);
    anchors.push({ kind: finding.kind, day, rank });
  }
  return kept;
}

function toDetection(finding: Finding, units: Units, thresholds: Thresholds): Detection {
  return {
    key: finding.key,
    kind: finding.kind,
    severity: finding.severity,
    activityId: finding.trigger.run.id,
    localDate: finding.trigger.localDate,
    occurredAt: finding.trigger.run.startDate,
    metrics: detectionMetrics(finding),
    message: detectionMessage(finding, units, thresholds),
  };
}

function compareDetections(a: Detection, b: Detection): number {
  return (
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}
