/**
 * When a page of `GET /athlete/activities?after=…` can be trusted to be the
 * last one (docs/strava.md, "Paging the activity list"). Strava cuts a page and
 * then removes the Only You activities a token may not see, so for a token
 * without `activity:read_all` a short page alone proves nothing. Three rules:
 *
 * - `short-page-ends`: the token has `activity:read_all`, nothing is removed,
 *   so a page shorter than `per_page` is the end of the list (any read,
 *   the connect backfill included);
 * - `short-page-holding`: no `activity:read_all`, but RampGuard knows which
 *   activities must be in the window (its last read plus every activity event
 *   since): a short page ends the read once every one of them has been seen.
 *   With `after=` the list runs oldest first, so whatever a short page leaves
 *   unread starts after everything read so far: newer than every activity
 *   RampGuard knows of, i.e. an upload whose event has not been handled yet;
 * - `to-empty-page`: anything else (the first read of a token without
 *   `activity:read_all`, reconciliation, a stale cache) pages until an empty page.
 *
 * An empty page always ends the read: Strava's own advice, and a bound on what a
 * phantom expected id (a forged event) can cost.
 */
export type PagingRule =
  | { kind: 'to-empty-page' }
  | { kind: 'short-page-ends' }
  | { kind: 'short-page-holding'; expected: ReadonlySet<string> };

export function pagingRuleFor(scopes: readonly string[], expected: ReadonlySet<string> | null): PagingRule {
  if (scopes.includes('activity:read_all')) return { kind: 'short-page-ends' };
  if (expected === null) return { kind: 'to-empty-page' };
  return { kind: 'short-page-holding', expected };
}

/** True when no further page needs to be read. `seen`: ids of every page read so far, this one included. */
export function isLastPage(
  rule: PagingRule,
  pageLength: number,
  perPage: number,
  seen: ReadonlySet<string>,
): boolean {
  if (pageLength === 0) return true;
  if (pageLength >= perPage) return false;
  switch (rule.kind) {
    case 'short-page-ends':
      return true;
    case 'short-page-holding':
      for (const id of rule.expected) if (!seen.has(id)) return false;
      return true;
    case 'to-empty-page':
      return false;
  }
}

/** An activity event as the inbox stored it (docs/strava.md, "What RampGuard knows is there"). */
export type ActivityEventRecord = {
  objectId: string;
  aspectType: string;
  updates: Readonly<Record<string, string>>;
  eventTime: Date;
};

/**
 * The activities a token without `activity:read_all` must find in the window
 * `start > after` (epoch seconds), from what RampGuard knows: the runs its last
 * read cached, and every activity event received since that read started. The
 * latest event of an activity decides: a delete, or `private: "true"`, takes it
 * out of sight (for such a token, becoming Only You arrives as a delete, and
 * coming back as a later event); anything else names it as there. Returns null
 * without any event: a read nothing asked for (reconciliation) is there to find
 * what no event announced, and only the empty page vouches for that.
 */
export function expectedInWindow(input: {
  cachedRuns: readonly { id: string; startDate: Date }[];
  events: readonly ActivityEventRecord[];
  afterEpochS: number;
}): Set<string> | null {
  if (input.events.length === 0) return null;
  const latest = new Map<string, ActivityEventRecord>();
  for (const e of input.events) {
    const before = latest.get(e.objectId);
    if (!before || e.eventTime.getTime() >= before.eventTime.getTime()) latest.set(e.objectId, e);
  }
  const expected = new Set<string>();
  for (const run of input.cachedRuns) {
    if (Math.floor(run.startDate.getTime() / 1000) > input.afterEpochS) expected.add(run.id);
  }
  for (const [id, e] of latest) {
    const outOfSight = e.aspectType === 'delete' || e.updates.private === 'true';
    if (outOfSight) expected.delete(id);
    else expected.add(id);
  }
  return expected;
}
