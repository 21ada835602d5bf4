/**
 * Weekly detections are judged per local day (docs/detection.md#weekly-ramp), so a test that
 * places runs "a few hours ago" sees a different week when those hours straddle the athlete's
 * local midnight. Tests that need the same local day for "now" and "a few hours ago" pick an
 * athlete timezone whose clock currently reads between 04:00 and 21:59.
 */
const CANDIDATES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo'] as const;

function localHour(timeZone: string, at: Date): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at);
  return Number(hour);
}

/** A Strava-style timezone ("(GMT+01:00) Europe/Paris") where it is daytime at `at`. */
export function daytimeTimezone(at: Date = new Date()): { strava: string; iana: string } {
  // The three candidates are 6 and 8 hours apart, so at any instant at least one reads 04–21 h.
  const iana = CANDIDATES.find((zone) => {
    const hour = localHour(zone, at);
    return hour >= 4 && hour < 22;
  })!;
  return { iana, strava: `(GMT${offsetLabel(iana, at)}) ${iana}` };
}

function offsetLabel(timeZone: string, at: Date): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const offset = name?.replace('GMT', '') ?? '';
  return offset === '' ? '+00:00' : offset;
}
