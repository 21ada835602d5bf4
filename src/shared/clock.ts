/** The only source of "now" outside tests; domain code never reads a clock. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };
