/**
 * Fixed durations in milliseconds: the one home of "a day" for every layer. A day here is 24
 * elapsed hours; calendar days in a runner's zone are local dates (src/domain/runs.ts).
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
