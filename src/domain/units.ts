import { DAY_MS } from './duration.js';
import { dayNumber } from './runs.js';
import type { Units } from './types.js';

/** Distances and days as runners read them, in their units (docs/alerts.md#units). */

export const METERS_PER_MILE = 1609.344;
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
  const date = new Date(dayNumber(localDate) * DAY_MS);
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}
