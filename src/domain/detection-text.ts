import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';
import type { Detection, DetectionKind, Severity, Units } from './types.js';
import { formatDayLabel, formatDistance } from './units.js';

/*
 * What a runner reads about a detection, built from its stored numbers (`metrics`, always metric)
 * in the runner's current units (docs/alerts.md#units), so the plan page, the alert email and the
 * stored `message` say the same thing with the same numbers. Messages state the evidence plainly:
 * severity names the size of the jump, not a measured risk (Frandsen et al. found similar injury
 * increases for 10–30% and 30–100% spikes), so no text ranks one band as more dangerous.
 */

/** What is stored about a detection; all the text is derived from it. */
export type DetectionRecord = Pick<Detection, 'kind' | 'severity' | 'localDate' | 'metrics'>;

/** One labelled number, e.g. `{ label: 'This run', value: '9.9 mi' }`. */
export type DetectionFact = { label: string; value: string };

export type DetectionText = {
  /** The heading on the plan page and in the alert email. */
  heading: string;
  /** Plain-language explanation with the evidence. */
  message: string;
  /** The numbers behind the message, with the same values the message uses. */
  facts: DetectionFact[];
  /** A short lower-case phrase for a subject line, e.g. `weekly distance up 62%`. */
  summary: string;
};

/** Headings, the same on the plan page and in emails. */
export const KIND_HEADINGS: Readonly<Record<DetectionKind, string>> = {
  session_spike: 'Longer run than usual',
  weekly_ramp: 'Weekly distance jump',
  intensity_ramp: 'Harder training week',
  gear_change: 'New or long-unused shoes',
  shoe_mileage: 'Shoe distance milestone',
};

/** Which part of an intensity ramp fired, stored in its metrics as `firedOn`. */
export type IntensityFiredOn = 'load' | 'hard_runs' | 'load_and_hard_runs';

const KM_TO_M = 1000;

export function describeDetection(
  d: DetectionRecord,
  units: Units,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): DetectionText {
  const day = formatDayLabel(d.localDate);
  const m = d.metrics;
  const dist = (km: number | null) => (km === null ? '–' : formatDistance(km * KM_TO_M, units));
  const heading = KIND_HEADINGS[d.kind];
  switch (d.kind) {
    case 'session_spike': {
      const t = thresholds.sessionSpike;
      const by = increaseText(num(m.increasePct), t.lowAbove);
      const largest = d.severity === 'high' ? ', and largest for runs more than twice as long' : '';
      return {
        heading,
        message:
          `Your ${dist(num(m.distanceKm))} run on ${day} was ${by} longer than your longest run in the previous ` +
          `${t.lookbackDays} days (${dist(num(m.longestPrior30dKm))}). In a large study of runners (Frandsen et al. 2025), ` +
          `runs more than ${pct(t.lowAbove)}% longer than the longest of the previous ${t.lookbackDays} days were ` +
          `followed by more injuries; the rise was similar for 10–30% and 30–100% jumps${largest}.`,
        facts: [
          { label: 'This run', value: dist(num(m.distanceKm)) },
          {
            label: `Longest run in the ${t.lookbackDays} days before`,
            value: dist(num(m.longestPrior30dKm)),
          },
          { label: 'Longer by', value: by },
        ],
        summary: `a run ${by} longer than your longest in ${t.lookbackDays} days`,
      };
    }
    case 'weekly_ramp': {
      const by = increaseText(num(m.increasePct), thresholds.weeklyRamp.moderateAbove);
      return {
        heading,
        message:
          `You ran ${dist(num(m.last7dKm))} in the 7 days to ${day}, ${by} more than your average week over the ` +
          `3 weeks before (${dist(num(m.baselineWeeklyKm))}). A study of novice runners (Nielsen et al. 2014) linked weekly ` +
          `increases above 30% with more knee and other distance-related injuries; that evidence is weak.`,
        facts: [
          { label: 'Last 7 days', value: dist(num(m.last7dKm)) },
          { label: 'Average week, 3 weeks before', value: dist(num(m.baselineWeeklyKm)) },
          { label: 'More by', value: by },
        ],
        summary: `weekly distance up ${by}`,
      };
    }
    case 'intensity_ramp':
      return describeIntensityRamp(d, day, thresholds);
    case 'gear_change':
      return describeGearChange(d, day, units, thresholds);
    case 'shoe_mileage': {
      const passesKm = thresholds.shoeMileage.passesKm;
      const shoe = shoeName(m.shoeName);
      const limit = units === 'imperial' ? formatDistance(passesKm * KM_TO_M, units) : `${passesKm} km`;
      const usual = units === 'imperial' ? '300–500 miles' : '480–800 km';
      return {
        heading,
        message:
          `Your ${shoe} passed ${limit} with your run on ${day} (${dist(num(m.shoeDistanceKm))}). Shoes are commonly ` +
          `replaced at ${usual}, but no study links shoe distance to injury: check them for ` +
          `wear and comfort. This is information only; your plan is unchanged.`,
        facts: [
          { label: 'Shoes', value: shoe },
          { label: 'Distance on them', value: dist(num(m.shoeDistanceKm)) },
        ],
        summary: `${shoe} passed ${limit}`,
      };
    }
  }
}

function describeIntensityRamp(d: DetectionRecord, day: string, thresholds: Thresholds): DetectionText {
  const t = thresholds.intensityRamp;
  const m = d.metrics;
  const firedOn = intensityFiredOn(m, thresholds);
  const hardRuns = num(m.hardRuns) ?? 0;
  const baselineHard = formatCount(num(m.baselineHardRunsPerWeek) ?? 0);
  const load = firedOn !== 'hard_runs';
  const hard = firedOn !== 'load';
  const by = increaseText(num(m.increasePct), t.moderateAbove);
  const runsWord = `${hardRuns} hard ${hardRuns === 1 ? 'run' : 'runs'}`;
  const parts: string[] = [];
  const facts: DetectionFact[] = [];
  if (load) {
    parts.push(
      `Your training load (minutes weighted by effort) in the 7 days to ${day} was ${by} above your ` +
        `average week over the 3 weeks before (${num(m.last7dLoad)} against ${num(m.baselineWeeklyLoad)}).`,
    );
    facts.push(
      { label: 'Training load, last 7 days', value: String(num(m.last7dLoad)) },
      { label: 'Average week, 3 weeks before', value: String(num(m.baselineWeeklyLoad)) },
      { label: 'More by', value: by },
    );
  }
  if (hard) {
    parts.push(
      `You did ${runsWord} (races, workouts, or runs at high heart rate or fast pace) in the 7 days to ${day}, ` +
        `against ${baselineHard} a week over the 3 weeks before.`,
    );
    facts.push(
      { label: 'Hard runs, last 7 days', value: String(hardRuns) },
      { label: 'Hard runs a week, 3 weeks before', value: baselineHard },
    );
  }
  parts.push(
    'No study has measured how much an intensity increase adds to knee-injury risk; this is a precaution.',
  );
  return {
    heading: KIND_HEADINGS.intensity_ramp,
    message: parts.join(' '),
    facts,
    summary: load ? `training load up ${by}` : `${runsWord} in 7 days`,
  };
}

function describeGearChange(
  d: DetectionRecord,
  day: string,
  units: Units,
  thresholds: Thresholds,
): DetectionText {
  const m = d.metrics;
  const known = typeof m.shoeName === 'string' && m.shoeName.trim() !== '';
  const shoe = known ? String(m.shoeName) : 'a pair of shoes not in your Strava shoe list';
  const km = num(m.shoeDistanceKm);
  const worn = km === null ? '' : ` (${formatDistance(km * KM_TO_M, units)} on it)`;
  const isNew = d.severity === 'high';
  const unusedDays = thresholds.gearChange.lookbackDays;
  const what = isNew
    ? `a new or little-used pair${worn}`
    : `not worn on a run in the previous ${unusedDays} days${worn}`;
  const facts: DetectionFact[] = [{ label: 'Shoes', value: known ? shoe : 'not in your Strava shoe list' }];
  if (km !== null) facts.push({ label: 'Distance on them', value: formatDistance(km * KM_TO_M, units) });
  const named = known ? ` (${shoe})` : '';
  return {
    heading: KIND_HEADINGS.gear_change,
    message:
      `Your run on ${day} was your first in ${shoe}, ${what}. New or long-unused shoes change how your ` +
      `legs are loaded; no trial gives a safe transition distance, so ease in. Rotating between pairs you ` +
      `use regularly does not count as a change.`,
    facts,
    summary: isNew ? `new shoes${named}` : `shoes you had not run in for ${unusedDays} days${named}`,
  };
}

/**
 * Which part of an intensity ramp fired. Stored as `firedOn` since it was added; for older rows
 * it is worked out from the numbers (the hard-run rule exactly; the load rule from the rounded
 * percentage).
 */
export function intensityFiredOn(
  metrics: Detection['metrics'],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): IntensityFiredOn {
  const stored = metrics.firedOn;
  if (stored === 'load' || stored === 'hard_runs' || stored === 'load_and_hard_runs') return stored;
  const t = thresholds.intensityRamp;
  const hard =
    (num(metrics.hardRuns) ?? 0) - (num(metrics.baselineHardRunsPerWeek) ?? 0) >= t.hardRunExcess - 0.05;
  const increase = num(metrics.increasePct);
  const load = increase !== null && increase > pct(t.moderateAbove);
  if (load && hard) return 'load_and_hard_runs';
  return hard ? 'hard_runs' : 'load';
}

/** Orders detections from the largest reason to the smallest: severity, then the size of the jump. */
export function compareBySize(a: DetectionRecord, b: DetectionRecord): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    KIND_PRIORITY.indexOf(a.kind) - KIND_PRIORITY.indexOf(b.kind) ||
    sizeOf(b) - sizeOf(a) ||
    (a.localDate < b.localDate ? 1 : a.localDate > b.localDate ? -1 : 0)
  );
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, moderate: 2, high: 3 };
/** Ties of severity: the kinds with the stronger evidence first (docs/detection.md, docs/detection.md#evidence). */
const KIND_PRIORITY: readonly DetectionKind[] = [
  'session_spike',
  'weekly_ramp',
  'intensity_ramp',
  'gear_change',
  'shoe_mileage',
];

function sizeOf(d: DetectionRecord): number {
  if (d.kind === 'gear_change') return -(num(d.metrics.shoeDistanceKm) ?? 0);
  if (d.kind === 'intensity_ramp' && num(d.metrics.increasePct) === null) return num(d.metrics.hardRuns) ?? 0;
  return num(d.metrics.increasePct) ?? num(d.metrics.shoeDistanceKm) ?? 0;
}

/** The largest detection of each kind, largest first: one section per kind in an alert. */
export function largestOfEachKind<T extends DetectionRecord>(detections: readonly T[]): T[] {
  const largest = new Map<DetectionKind, T>();
  for (const d of detections) {
    const current = largest.get(d.kind);
    if (!current || compareBySize(d, current) < 0) largest.set(d.kind, d);
  }
  return [...largest.values()].sort(compareBySize);
}

/** "42%", or "just over 30%" when rounding would hide that the increase passed the threshold. */
function increaseText(increasePct: number | null, threshold: number): string {
  if (increasePct === null) return 'more';
  return increasePct <= pct(threshold) ? `just over ${pct(threshold)}%` : `${increasePct}%`;
}

function shoeName(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' ? value : 'shoes';
}

/** 0.3 → "0.3", 1 → "1": weekly means of hard runs keep one decimal. */
function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function num(value: number | string | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function pct(fraction: number): number {
  return Math.round(fraction * 100);
}
