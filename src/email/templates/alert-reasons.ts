import {
  type DetectionFact,
  type DetectionRecord,
  describeDetection,
  KIND_HEADINGS,
  largestOfEachKind,
} from '../../domain/detection-text.js';
import type { DetectionKind, Units } from '../../domain/types.js';
import { formatDayLabel } from '../../domain/units.js';
import { type MetricRow, metricRows } from './format.js';
import { displayName } from './sanitize.js';
import type { EmailDetection } from './types.js';

/** One section of an alert: a kind, as the plan page heads it, with its message and numbers. */
export type AlertReason = {
  kind: DetectionKind;
  heading: string;
  /** The run's local day, e.g. `Tue 8 Dec`; null for payloads queued before days were stored. */
  day: string | null;
  message: string;
  facts: readonly DetectionFact[];
  /** Lower-case phrase for the subject and the opening sentence. */
  summary: string;
};

const DEFAULT_SEVERITY = 'moderate';
/** Never shown to a runner: Strava's gear ids mean nothing to them (docs/alerts.md#the-alert-email). */
const HIDDEN_METRICS = new Set(['gearId', 'firedOn']);

/**
 * The reasons an alert gives (docs/alerts.md#the-alert-email): one per kind, the largest of that
 * kind among every trigger since the last alert (a ramping week gives one weekly section, not one
 * per day), largest first, in the runner's units. Shoe names are bounded to one short line.
 */
export function alertReasons(detections: readonly EmailDetection[], units: Units): AlertReason[] {
  const records = detections.map((d) => ({
    source: d,
    kind: d.kind,
    severity: d.severity ?? DEFAULT_SEVERITY,
    localDate: d.localDate ?? '',
    metrics: safeMetrics(d.metrics),
  }));
  return largestOfEachKind(records).map((r) => toReason(r, units));
}

function toReason(r: DetectionRecord & { source: EmailDetection }, units: Units): AlertReason {
  if (r.localDate === '') {
    // Queued before detections carried their day: the stored message, with the numbers shown plainly.
    return {
      kind: r.kind,
      heading: KIND_HEADINGS[r.kind],
      day: null,
      message: displayName(r.source.message, 600),
      facts: legacyFacts(r.metrics),
      summary: KIND_HEADINGS[r.kind].toLowerCase(),
    };
  }
  const text = describeDetection(r, units);
  return {
    kind: r.kind,
    heading: text.heading,
    day: formatDayLabel(r.localDate),
    message: text.message,
    facts: text.facts,
    summary: text.summary,
  };
}

/**
 * The subject's words: the largest reason, then the next one or how many more. The numbers are the
 * ones the body shows, because both come from the same reasons.
 */
export function subjectPhrase(reasons: readonly AlertReason[]): string {
  const [first, second, ...rest] = reasons;
  if (!first) return '';
  if (!second) return first.summary;
  if (rest.length === 0) return `${first.summary} and ${second.summary}`;
  return `${first.summary}, ${second.summary} and ${rest.length} more`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function safeMetrics(metrics: EmailDetection['metrics']): EmailDetection['metrics'] {
  const name = metrics.shoeName;
  return typeof name === 'string' ? { ...metrics, shoeName: displayName(name, 80) } : metrics;
}

function legacyFacts(metrics: EmailDetection['metrics']): MetricRow[] {
  return metricRows(Object.fromEntries(Object.entries(metrics).filter(([k]) => !HIDDEN_METRICS.has(k))));
}
