import type { SimActivity } from '../state.js';

export type ListQuery = {
  athleteId: string;
  /** Epoch seconds, exclusive. */
  before: number | null;
  after: number | null;
  page: number;
  perPage: number;
  /** The token has activity:read_all. */
  readsPrivate: boolean;
};

function startSeconds(activity: SimActivity): number {
  return Date.parse(activity.start_date) / 1000;
}

/**
 * Strava's list: filtered on start time, newest first, except that with `after` it runs oldest
 * first (Strava's v3 reference: "result will start with activities whose start_date is after
 * this value, sorted oldest first"; source in docs/strava.md). Ties keep a stable order, so pages
 * never overlap. Pagination happens before Only You activities are removed for tokens without
 * activity:read_all, which is why real pages come back short (iterate until an empty page) —
 * reproduced on purpose.
 */
export function listActivityPage(activities: Iterable<SimActivity>, query: ListQuery): SimActivity[] {
  const { before, after, page, perPage } = query;
  const matching = [...activities].filter(
    (a) =>
      a.athlete_id === query.athleteId &&
      (before === null || startSeconds(a) < before) &&
      (after === null || startSeconds(a) > after),
  );
  matching.sort((a, b) =>
    after === null ? startSeconds(b) - startSeconds(a) : startSeconds(a) - startSeconds(b),
  );
  const pageItems = matching.slice((page - 1) * perPage, page * perPage);
  return query.readsPrivate ? pageItems : pageItems.filter((a) => !a.private);
}
