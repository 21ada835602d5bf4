import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import type { Run, Shoe, StravaId } from '../../domain/types.js';
import type { Logger } from '../../shared/logger.js';
import { type StravaActivity, toRun, ZStravaActivity, ZSummaryGear } from './activity.js';
import type { StravaClientDeps, StravaClientOptions } from './client-deps.js';
import { StravaAuthError, StravaForbiddenError, StravaInvalidResponseError } from './errors.js';
import { isLastPage, type PagingRule } from './last-page.js';
import {
  type AuthorizeUrlOptions,
  buildAuthorizeUrl,
  deauthorizeToken,
  type ExchangedAuthorization,
  exchangeCode,
  refreshTokens,
} from './oauth.js';
import {
  createPushSubscription,
  deletePushSubscription,
  viewPushSubscriptions,
} from './push-subscriptions.js';
import { apiGet, createRunnerGet, type RunnerGet } from './runner-requests.js';
import {
  type StravaAthlete,
  type StravaSubscription,
  type TokenSet,
  toAthlete,
  toShoe,
  ZAthlete,
} from './schemas.js';
import { createTokenStore } from './token-store.js';
import { createTransport } from './transport.js';

export type { ExchangedAuthorization, StravaAthlete, StravaSubscription, TokenSet };

/** A fetched activity: the normalized run, its owner (compare with the event's `owner_id`) and its shoe. */
export type StravaActivityDetail = Run & {
  athleteId: StravaId;
  /** DetailedActivity's `gear` summary (name, all-time distance), when it has one. */
  gear: Shoe | null;
};

export type ListActivitiesOptions = {
  /** Activities starting after this instant (Strava filters on start time, not upload time). */
  after?: Date;
  before?: Date;
  page?: number;
  /** Default 200, Strava's maximum. */
  perPage?: number;
};

export type ListAllActivitiesOptions = Omit<ListActivitiesOptions, 'page'> & {
  /** Called after each non-empty page (backfill progress). */
  onPage?: (runs: Run[], page: number) => void | Promise<void>;
  /** Safety stop (default 100 pages = 20,000 activities at 200 per page). */
  maxPages?: number;
  /** Default `to-empty-page`: stop only on an empty page (see last-page.ts). */
  paging?: PagingRule;
};

/**
 * RampGuard's only door to Strava. Every answer is parsed with zod into our
 * own types (ids as strings); every failure is one of the classes in
 * `errors.ts`. Runner calls get a valid token from the token store; a 401
 * forces one refresh and one retry, and a second 401 marks the runner
 * disconnected (StravaAuthError).
 */
export type StravaClient = {
  authorizeUrl(options: AuthorizeUrlOptions): string;
  exchangeCode(code: string): Promise<ExchangedAuthorization>;
  saveTokens(tx: DbOrTx, runnerId: string, athleteId: string, tokens: TokenSet): Promise<void>;
  /** Revokes our access at Strava (no-op when already revoked or no tokens are stored). */
  deauthorize(runnerId: string): Promise<void>;
  /** The runner's stored grant, decrypted (kept for a revocation that must be retried: docs/disconnect.md). */
  readGrant(q: DbOrTx, runnerId: string): Promise<TokenSet | null>;
  /** Strava's refresh grant on a token held outside the runner tables (a pending revocation). */
  refreshGrant(refreshToken: string): Promise<TokenSet>;
  /** POST /oauth/deauthorize with this access token; a 401 (already dead) counts as done. */
  revokeAccessToken(accessToken: string): Promise<void>;
  getAthlete(runnerId: string): Promise<StravaAthlete>;
  listActivities(runnerId: string, options?: ListActivitiesOptions): Promise<Run[]>;
  /** Every page until an empty one (pages can come back short while more exist), or a trusted short one. */
  listAllActivities(runnerId: string, options?: ListAllActivitiesOptions): Promise<Run[]>;
  getActivity(runnerId: string, activityId: StravaId): Promise<StravaActivityDetail>;
  getGear(runnerId: string, gearId: string): Promise<Shoe>;
  /**
   * Asks Strava whether the runner's grant still works: 'revoked' when a refresh
   * or call fails with 401 / an invalid refresh token. Network trouble throws
   * (retryable): a deauthorization is never confirmed by an outage.
   */
  verifyAuthorization(runnerId: string): Promise<'authorized' | 'revoked'>;
  createSubscription(callbackUrl: string, verifyToken: string): Promise<{ id: string }>;
  viewSubscriptions(): Promise<StravaSubscription[]>;
  deleteSubscription(id: string): Promise<void>;
};

/** What RampGuard reads of a runner's Strava account, each with the runner's token. */
type RunnerReads = Pick<
  StravaClient,
  'getAthlete' | 'listActivities' | 'listAllActivities' | 'getActivity' | 'getGear' | 'verifyAuthorization'
>;

export type { StravaClientDeps, StravaClientOptions } from './client-deps.js';

export function createStravaClient(deps: StravaClientDeps, options: StravaClientOptions = {}): StravaClient {
  const { app, http } = createTransport(deps, options);
  const tokens = createTokenStore({
    db: deps.db,
    config: deps.config,
    clock: deps.clock,
    logger: deps.logger,
    refresh: (refreshToken) => refreshTokens(http, app, refreshToken),
  });

  return {
    authorizeUrl: (opts) => buildAuthorizeUrl(app, opts),
    exchangeCode: (code) => exchangeCode(http, app, code),
    saveTokens: (tx, runnerId, athleteId, set) => tokens.save(tx, runnerId, athleteId, set),

    async deauthorize(runnerId) {
      let token: string;
      try {
        token = await tokens.accessToken(runnerId); // refreshed first: an expired token cannot revoke
      } catch (err) {
        if (err instanceof StravaAuthError) return; // nothing stored, or Strava already refused it
        throw err;
      }
      await deauthorizeToken(http, token);
    },

    readGrant: (q, runnerId) => tokens.read(q, runnerId),
    refreshGrant: (refreshToken) => refreshTokens(http, app, refreshToken),
    revokeAccessToken: (accessToken) => deauthorizeToken(http, accessToken),

    ...createRunnerReads(createRunnerGet(http, tokens), deps.logger),

    createSubscription: (callbackUrl, verifyToken) =>
      createPushSubscription(http, app, callbackUrl, verifyToken),
    viewSubscriptions: () => viewPushSubscriptions(http, app),
    deleteSubscription: (id) => deletePushSubscription(http, app, id),
  };
}

const ZActivityList = z.array(ZStravaActivity);

function createRunnerReads(getAsRunner: RunnerGet, logger: Logger): RunnerReads {
  async function listActivities(runnerId: string, opts: ListActivitiesOptions = {}): Promise<Run[]> {
    const list = await getAsRunner(
      runnerId,
      apiGet('/athlete/activities', 'GET /athlete/activities', ZActivityList, {
        after: opts.after ? epochSeconds(opts.after) : undefined,
        before: opts.before ? epochSeconds(opts.before) : undefined,
        page: opts.page ?? 1,
        per_page: opts.perPage ?? 200,
      }),
    );
    return list.map((a) => toRun(a));
  }

  async function getAthlete(runnerId: string): Promise<StravaAthlete> {
    return toAthlete(await getAsRunner(runnerId, apiGet('/athlete', 'GET /athlete', ZAthlete)));
  }

  return {
    getAthlete,
    listActivities,

    async listAllActivities(runnerId, opts = {}) {
      const all: Run[] = [];
      const seen = new Set<string>();
      const maxPages = opts.maxPages ?? 100;
      const perPage = opts.perPage ?? 200;
      const rule = opts.paging ?? { kind: 'to-empty-page' };
      for (let page = 1; page <= maxPages; page++) {
        const runs = await listActivities(runnerId, { ...opts, perPage, page });
        if (runs.length > 0) {
          all.push(...runs);
          for (const r of runs) seen.add(r.id);
          await opts.onPage?.(runs, page);
        }
        if (isLastPage(rule, runs.length, perPage, seen)) return all;
      }
      logger.warn({ runnerId, maxPages }, 'strava activity listing stopped at the page limit');
      return all;
    },

    async getActivity(runnerId, activityId) {
      const activity: StravaActivity = await getAsRunner(
        runnerId,
        apiGet(`/activities/${encodeURIComponent(activityId)}`, 'GET /activities/{id}', ZStravaActivity),
      );
      if (!activity.athlete) throw new StravaInvalidResponseError('GET /activities/{id}', 'athlete: missing');
      return {
        ...toRun(activity),
        athleteId: activity.athlete.id,
        gear: activity.gear && typeof activity.gear.distance === 'number' ? toShoe(activity.gear) : null,
      };
    },

    async getGear(runnerId, gearId) {
      const gear = await getAsRunner(
        runnerId,
        apiGet(`/gear/${encodeURIComponent(gearId)}`, 'GET /gear/{id}', ZSummaryGear),
      );
      return toShoe(gear);
    },

    async verifyAuthorization(runnerId) {
      try {
        await getAthlete(runnerId);
        return 'authorized';
      } catch (err) {
        if (err instanceof StravaAuthError) return 'revoked';
        // The token was accepted; it merely lacks a scope for the full profile.
        if (err instanceof StravaForbiddenError) return 'authorized';
        throw err;
      }
    },
  };
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
