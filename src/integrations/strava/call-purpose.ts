import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallPriority } from './rate-governor.js';

/** What a Strava call was spent on, for `/metrics` (docs/strava-quota.md). */
export type StravaPurpose = 'backfill' | 'event_analysis' | 'deauth_check';
export type StravaCallPurpose = StravaPurpose | 'shoes' | 'subscription' | 'oauth' | 'other';

const current = new AsyncLocalStorage<StravaPurpose>();

/** Runs `work` with every Strava call inside it counted under `purpose`. */
export function withStravaPurpose<T>(purpose: StravaPurpose, work: () => Promise<T>): Promise<T> {
  return current.run(purpose, work);
}

/**
 * Which share of the budget a call may use (docs/strava-quota.md#interactive-work-first): a
 * re-analysis is background work and leaves the rest of the window to interactive work (the
 * connect backfill a runner is watching, a deauthorization check, operator commands).
 */
export function priorityOf(): CallPriority {
  return current.getStore() === 'event_analysis' ? 'background' : 'interactive';
}

/** Shoe reads inside an analysis are counted apart: they are what a list call cannot replace. */
export function purposeOf(endpoint: string, base: 'api' | 'oauth'): StravaCallPurpose {
  if (base === 'oauth') return 'oauth';
  if (endpoint.includes('/push_subscriptions')) return 'subscription';
  const purpose = current.getStore();
  if (purpose !== 'deauth_check' && (endpoint === 'GET /athlete' || endpoint === 'GET /gear/{id}')) {
    return 'shoes';
  }
  return purpose ?? 'other';
}

/** Outcome label: ok, 401, 403, 404, 429, 5xx, other 4xx, or the network failure. */
export function outcomeOf(status: number | string): string {
  if (typeof status === 'string') return status;
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 500) return '5xx';
  if ([401, 403, 404, 429].includes(status)) return String(status);
  return '4xx';
}
