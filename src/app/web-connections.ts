/**
 * The web role's share of this process's Postgres connections (docs/capacity.md). The webhook's
 * group commit sizes itself by it, and the worker role's capacity plan (`planCapacity`) reserves it
 * before sizing the workers.
 */

/**
 * The webhook's group commit: statements in flight at once (src/app/webhook/record-strava-event.ts).
 * Two, not eight: larger batches cost Postgres less per event and were never slower
 * (docs/capacity.md#inbox-writers).
 */
export const MAX_INBOX_WRITERS = 2;
/** Pages, API, sessions and readiness probes of a web process. */
export const WEB_PAGE_CONNECTIONS = 2;
