import type { Finding } from './detection/finding.js';
import { dayNumber } from './runs.js';
import type { Thresholds } from './thresholds.js';
import type { Detection, Units } from './types.js';

/*
 * Detection messages. They state the evidence plainly: severity names the size of
 * the jump, not a measured risk (Frandsen et al. found similar injury increases for
 * 10–30% and 30–100% spikes), so no message ranks one band as more dangerous.
 * Metrics stay metric (km) for every runner; only messages use the runner's units.
 */

const METERS_PER_MILE = 1609.344;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Strava `measurement_preference`: `feet` → imperial, anything else (`meters`) → metric. */
export function unitsFromMeasurementPreference(preference: string | null | undefined): Units {
  return preference === 'feet' ? 'imperial' : 'metric';
}

/** "14.2 km" or "8.8 mi" (one decimal). */
export function formatDistance(meters: number, units: Units): string {
  return units === 'imperial'
    ? `${(meters / METERS_PER_MILE).toFixed(1)} mi`
    : `${(meters / 1000).toFixed(1)} km`;
}

/** "Tue 3 Nov" for a YYYY-MM-DD local date (English, independent of the server's locale). */
export function formatDayLabel(localDate: string): string {
  const date = new Date(dayNumber(localDate) * 86_400_000);
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}

/** The numbers behind a finding, rounded for display: km to 1 decimal, percentages to integers. */
export function detectionMetrics(finding: Finding): Detection['metrics'] {
  switch (finding.kind) {
    case 'session_spike':
      return {
        distanceKm: km(finding.facts.distanceM),
        longestPrior30dKm: km(finding.facts.longestPriorM),
        increasePct: pct(finding.facts.increase),
      };
    case 'weekly_ramp':
      return {
        last7dKm: km(finding.facts.last7dM),
        baselineWeeklyKm: km(finding.facts.baselineWeeklyM),
        increasePct: pct(finding.facts.increase),
      };
    case 'intensity_ramp':
      return {
        last7dLoad: Math.round(finding.facts.last7dLoad),
        baselineWeeklyLoad: Math.round(finding.facts.baselineWeeklyLoad),
        increasePct: finding.facts.increase === null ? null : pct(finding.facts.increase),
        hardRuns: finding.facts.hardRuns,
        baselineHardRunsPerWeek: round1(finding.facts.baselineHardRunsPerWeek),
      };
    case 'gear_change':
    case 'shoe_mileage':
      return {
        gearId: finding.facts.gearId,
        shoeName: finding.facts.shoeName,
        shoeDistanceKm: finding.facts.shoeDistanceM === null ? null : km(finding.facts.shoeDistanceM),
      };
  }
}

/** A plain-language message in the runner's units. */
export function detectionMessage(finding: Finding, units: Units, thresholds: Thresholds): string {
  const day = formatDayLabel(finding.trigger.localDate);
  const d = (meters: number) => formatDistance(meters, units);
  switch (finding.kind) {
    case 'session_spike': {
      const f = finding.facts;
      const by = increaseText(f.increase, thresholds.sessionSpike.lowAbove);
      const largest = finding.severity === 'high' ? ', and largest for runs more than twice as long' : '';
      return (
        `Your ${d(f.distanceM)} run on ${day} was ${by} longer than your longest run in the previous ` +
        `${f.lookbackDays} days (${d(f.longestPriorM)}). In a large study of runners (Frandsen et al. 2025), ` +
        `runs more than ${pct(thresholds.sessionSpike.lowAbove)}% longer than the longest of the previous ` +
        `${f.lookbackDays} days were followed by more injuries; the rise was similar for 10–30% and 30–100% jumps${largest}.`
      );
    }
    case 'weekly_ramp': {
      const f = finding.facts;
      const by = increaseText(f.increase, thresholds.weeklyRamp.moderateAbove);
      return (
        `You ran ${d(f.last7dM)} in the 7 days to ${day}, ${by} more than your average week over the ` +
        `3 weeks before (${d(f.baselineWeeklyM)}). A study of novice runners (Nielsen et al. 2014) linked weekly ` +
        `increases above 30% with more knee and other distance-related injuries; that evidence is weak.`
      );
    }
    case 'intensity_ramp': {
      const f = finding.facts;
      const parts: string[] = [];
      if (f.loadFired && f.increase !== null) {
        const by = increaseText(f.increase, thresholds.intensityRamp.moderateAbove);
        parts.push(
          `Your training load (minutes weighted by effort) in the 7 days to ${day} was ${by} above your ` +
            `average week over the 3 weeks before (${Math.round(f.last7dLoad)} against ${Math.round(f.baselineWeeklyLoad)}).`,
        );
      }
      if (f.hardRunsFired) {
        parts.push(
          `You did ${f.hardRuns} hard ${f.hardRuns === 1 ? 'run' : 'runs'} (races, workouts, or runs at high heart ` +
            `rate or fast pace) in the 7 days to ${day}, against ${round1(f.baselineHardRunsPerWeek)} a week over the 3 weeks before.`,
        );
      }
      parts.push(
        'No study has measured how much an intensity increase adds to knee-injury risk; this is a precaution.',
      );
      return parts.join(' ');
    }
    case 'gear_change': {
      const f = finding.facts;
      const shoe = f.shoeName ?? `shoe ${f.gearId}`;
      const worn = f.shoeDistanceM === null ? '' : ` (${d(f.shoeDistanceM)} on it)`;
      const what =
        finding.severity === 'high'
          ? `a new or little-used pair${worn}`
          : `not worn on a run in the previous ${f.unusedDays} days${worn}`;
      return (
        `Your run on ${day} was your first in ${shoe}, ${what}. New or long-unused shoes change how your ` +
        `legs are loaded; no trial gives a safe transition distance, so ease in. Rotating between pairs you ` +
        `use regularly does not count as a change.`
      );
    }
    case 'shoe_mileage': {
      const f = finding.facts;
      const limit =
        units === 'imperial'
          ? `${formatDistance(f.passesKm * 1000, units)} (${f.passesKm} km)`
          : `${f.passesKm} km`;
      return (
        `Your ${f.shoeName} passed ${limit} with your run on ${day} (${d(f.shoeDistanceM)}). Shoes are commonly ` +
        `replaced at 480–800 km (300–500 miles), but no study links shoe distance to injury: check them for ` +
        `wear and comfort. ` +
        `This is information only; your plan is unchanged.`
      );
    }
  }
}

/** "42%", or "just over 30%" when rounding would hide that the increase passed the threshold. */
function increaseText(increase: number, threshold: number): string {
  const rounded = pct(increase);
  return rounded <= pct(threshold) ? `just over ${pct(threshold)}%` : `${rounded}%`;
}

function km(meters: number): number {
  return round1(meters / 1000);
}

function pct(fraction: number): number {
  return Math.round(fraction * 100);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
