/** One refresh per runner in this process, and the rejected token it was started for. */
export type Flight = { promise: Promise<string>; rejected: string | undefined };

/**
 * The in-process half of the refresh single-flight (docs/strava.md#token-refresh):
 * one refresh per runner at a time; callers arriving meanwhile share its result.
 */
export function createRefreshFlights(
  refresh: (runnerId: string, rejected: string | undefined) => Promise<string>,
): (runnerId: string, rejected: string | undefined) => Flight {
  const inflight = new Map<string, Flight>();
  return (runnerId, rejected) => {
    const current = inflight.get(runnerId);
    if (current) return current;
    const flight: Flight = {
      rejected,
      promise: refresh(runnerId, rejected).finally(() => inflight.delete(runnerId)),
    };
    inflight.set(runnerId, flight);
    return flight;
  };
}
