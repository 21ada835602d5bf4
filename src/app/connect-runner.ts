import type { Tx } from '../db/client.js';
import { markAnalysisDue } from '../db/repositories/analysis-due.js';
import { insertPlanVersion, loadCurrentPlan } from '../db/repositories/plans.js';
import { deleteSightings } from '../db/repositories/run-sightings.js';
import { clearConnectRead, lockRunnerByAthlete, upsertConnectingRunner } from '../db/repositories/runners.js';
import { parkWithoutActivityScope } from '../db/repositories/strava-access.js';
import { initialPlan } from '../domain/plan.js';
import type { ExchangedAuthorization } from '../integrations/strava/client.js';
import type { AppDeps } from './deps.js';

/** What RampGuard asks Strava for (docs/contract.md#http-routes). */
export const REQUESTED_SCOPES = ['read', 'activity:read_all', 'profile:read_all'] as const;

export type ConnectedRunner = {
  runnerId: string;
  /** True on the first connection of this athlete. */
  created: boolean;
  emailVerified: boolean;
  /** Requested scopes the runner did not grant (pages explain what is then not seen). */
  missingScopes: string[];
};

/** The granted scopes from the redirect's `scope` parameter (Strava's token answer may not carry them). */
export function parseScopes(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/[,\s]+/).filter((s) => /^[a-z_:]{1,40}$/.test(s)))];
}

export function missingScopesOf(granted: readonly string[]): string[] {
  return REQUESTED_SCOPES.filter((s) => !granted.includes(s));
}

/** Either activity scope lets RampGuard list runs; without one every analysis would be refused. */
export function canReadActivities(granted: readonly string[]): boolean {
  return granted.includes('activity:read') || granted.includes('activity:read_all');
}

/**
 * After a successful code exchange (docs/contract.md#connect): upsert the runner by
 * athlete id, store the tokens encrypted, start the plan (version 1, daily,
 * from now: the plan begins at connect) and mark the first analysis due, all
 * in one transaction; then enqueue the backfill. A reconnect keeps the runner's
 * settings and `connected_at`, and clears `disconnected_at`; whether it keeps
 * their history is `historyOnReconnect`'s call.
 * Without an activity scope the runner is connected parked instead
 * (docs/strava-quota.md): tokens are kept (disconnect can still revoke them),
 * no analysis is queued, and the plan page asks them to reconnect.
 */
export async function connectRunner(
  deps: AppDeps,
  authorization: ExchangedAuthorization,
  grantedScopes: readonly string[],
): Promise<ConnectedRunner> {
  const now = deps.clock.now();
  const athlete = authorization.athlete;
  const scopes = grantedScopes.join(',');
  // Without an activity scope every list call is refused: connect "needing access", queue nothing.
  const readsActivities = canReadActivities(grantedScopes);
  const connected = await deps.db.transaction(async (tx) => {
    const prior = await lockRunnerByAthlete(tx, athlete.id);
    const row = await upsertConnectingRunner(
      tx,
      { athleteId: athlete.id, firstname: athlete.firstname, units: athlete.units, scopes },
      now,
    );
    const runnerId = row.id;
    const history = prior ? historyOnReconnect(prior, grantedScopes) : 'keep';
    if (history !== 'keep') await startNewHistory(tx, runnerId, history);
    await deps.strava.saveTokens(tx, runnerId, athlete.id, authorization);
    if (!(await loadCurrentPlan(tx, runnerId))) await insertPlanVersion(tx, runnerId, initialPlan(now));
    const timing = readsActivities ? await markAnalysisDue(tx, runnerId, now) : null;
    // After `saveTokens` (which clears `disconnected_at`), in the same transaction.
    if (!readsActivities) await parkWithoutActivityScope(tx, runnerId, now);
    return {
      runnerId,
      created: row.created,
      emailVerified: row.emailVerifiedAt !== null,
      timing,
    };
  });
  // After commit: Redis never holds a transaction open. A failed add is left to the sweeper (due mark committed).
  if (connected.timing)
    await deps.jobs.requestAnalysis(connected.runnerId, {
      reason: 'connect',
      timing: connected.timing,
      priority: 'interactive',
    });
  deps.logger.info(
    { runnerId: connected.runnerId, created: connected.created, readsActivities },
    readsActivities ? 'runner connected' : 'runner connected without activity access: parked',
  );
  return {
    runnerId: connected.runnerId,
    created: connected.created,
    emailVerified: connected.emailVerified,
    missingScopes: missingScopesOf(grantedScopes),
  };
}

/**
 * What a reconnect does to the runner's history (docs/alerts.md#reconnecting). Signing in again
 * is a reconnect too, so an ordinary one keeps everything: a run syncing while the runner signs
 * in still alerts. After a disconnect (revoked, parked) the next read starts a new history, as on
 * a first connect. Newly granting private activities makes the next read history as well (the
 * private runs it reveals are old), while runs already seen keep their standing.
 */
export function historyOnReconnect(
  prior: { disconnectedAt: Date | null; scopes: string },
  granted: readonly string[],
): 'keep' | 'new' | 'reread' {
  if (prior.disconnectedAt !== null) return 'new';
  const before = prior.scopes.split(',');
  if (granted.includes('activity:read_all') && !before.includes('activity:read_all')) return 'reread';
  return 'keep';
}

async function startNewHistory(tx: Tx, runnerId: string, history: 'new' | 'reread'): Promise<void> {
  if (history === 'new') await deleteSightings(tx, runnerId);
  await clearConnectRead(tx, runnerId);
}
