/**
 * When a page of `GET /athlete/activities` can be trusted to be the last one
 * (docs/strava.md, "Paging the activity list"). Strava cuts a page and then
 * removes the Only You activities a token may not see, so a short page proves
 * nothing for a token without `activity:read_all`: it pages on to an empty
 * page. With `activity:read_all` nothing is removed, so a page shorter than
 * `per_page` is the end of the list. A read that must be complete whatever the
 * token (the connect backfill) always pages to the empty page.
 */
export type PagingRule = 'to-empty-page' | 'short-page-ends';

export function pagingRuleFor(scopes: readonly string[], purpose: 'backfill' | 'refresh'): PagingRule {
  if (purpose === 'backfill') return 'to-empty-page';
  return scopes.includes('activity:read_all') ? 'short-page-ends' : 'to-empty-page';
}

/** True when no further page needs to be read after this one. */
export function isLastPage(rule: PagingRule, pageLength: number, perPage: number): boolean {
  if (pageLength === 0) return true;
  return rule === 'short-page-ends' && pageLength < perPage;
}
