import type { Db } from '../db/client.js';
import {
  deleteStoredSubscription,
  loadStoredSubscription,
  type StoredSubscription,
  storeSubscription as storeSubscriptionRow,
} from '../db/repositories/strava-subscription.js';
import type { StravaSubscription } from '../integrations/strava/client.js';
import { StravaNotFoundError } from '../integrations/strava/errors.js';
import { AppError } from '../shared/errors.js';
import type { AppDeps } from './deps.js';

/**
 * The app's single Strava webhook subscription (docs/webhooks.md, docs/strava-api.md#subscription):
 * created, shown and deleted by `npm run strava -- subscription …`, its id
 * stored in the singleton row `strava_subscription` (id = 1). Running
 * services read the expected id through `getExpectedSubscriptionId`, which
 * caches for a few seconds so a new id is picked up without a restart.
 */

export type SubscriptionDeps = Pick<AppDeps, 'config' | 'db' | 'strava' | 'clock'>;

export type { StoredSubscription };

export class SubscriptionError extends AppError {
  constructor(message: string) {
    super('strava_subscription', message, 409, false);
    this.name = 'SubscriptionError';
  }
}

const CACHE_MS = 5_000;

/** `$PUBLIC_URL/webhooks/strava`: where Strava posts events and sends the validation GET. */
export function webhookCallbackUrl(config: AppDeps['config']): string {
  return `${config.publicUrl}/webhooks/strava`;
}

export async function readStoredSubscription(db: Db): Promise<StoredSubscription | null> {
  return loadStoredSubscription(db);
}

/**
 * Creates the subscription at Strava (which first calls our callback's
 * handshake, so the web role must be reachable at PUBLIC_URL) and stores its
 * id. When Strava already holds one for our callback, that one is adopted
 * instead; one for another callback is an error (Strava allows one per app).
 */
export async function createStravaSubscription(
  deps: SubscriptionDeps,
): Promise<{ id: string; callbackUrl: string; adopted: boolean }> {
  const callbackUrl = webhookCallbackUrl(deps.config);
  const existing = await deps.strava.viewSubscriptions();
  const same = existing.find((s) => s.callbackUrl === callbackUrl);
  const other = existing.find((s) => s.callbackUrl !== callbackUrl);
  if (other) {
    throw new SubscriptionError(
      `Strava already has a subscription (id ${other.id}) for another callback (${other.callbackUrl ?? 'unknown'}); ` +
        'delete it first with `npm run strava -- subscription delete`',
    );
  }
  const id = same
    ? same.id
    : (await deps.strava.createSubscription(callbackUrl, deps.config.strava.verifyToken)).id;
  await storeSubscription(deps, id, callbackUrl);
  return { id, callbackUrl, adopted: Boolean(same) };
}

export async function showStravaSubscription(deps: SubscriptionDeps): Promise<{
  stored: StoredSubscription | null;
  atStrava: StravaSubscription[];
  expectedId: string | undefined;
}> {
  const [stored, atStrava] = await Promise.all([
    readStoredSubscription(deps.db),
    deps.strava.viewSubscriptions(),
  ]);
  return { stored, atStrava, expectedId: deps.config.strava.subscriptionId ?? stored?.subscriptionId };
}

/** Deletes at Strava (the stored id, else whatever Strava lists for the app), then the row. */
export async function deleteStravaSubscription(
  deps: SubscriptionDeps,
): Promise<{ deletedId: string | null }> {
  const stored = await readStoredSubscription(deps.db);
  const id = stored?.subscriptionId ?? (await deps.strava.viewSubscriptions())[0]?.id ?? null;
  if (id !== null) {
    try {
      await deps.strava.deleteSubscription(id);
    } catch (err) {
      if (!(err instanceof StravaNotFoundError)) throw err; // already gone at Strava: just forget it
    }
  }
  await deleteStoredSubscription(deps.db);
  cache.delete(deps.db);
  return { deletedId: id };
}

async function storeSubscription(deps: SubscriptionDeps, subscriptionId: string, callbackUrl: string) {
  await storeSubscriptionRow(deps.db, { subscriptionId, callbackUrl, createdAt: deps.clock.now() });
  cache.delete(deps.db);
}

const cache = new WeakMap<Db, { value: string | undefined; at: number }>();

/**
 * The `subscription_id` incoming events must carry: STRAVA_SUBSCRIPTION_ID
 * when set, else the id the CLI stored. Read at most every 5 seconds per
 * database (the webhook path must stay fast), so a service picks up a newly
 * created subscription within seconds. `undefined`: no subscription known.
 */
export async function getExpectedSubscriptionId(
  deps: Pick<AppDeps, 'config' | 'db'>,
): Promise<string | undefined> {
  if (deps.config.strava.subscriptionId) return deps.config.strava.subscriptionId;
  const now = Date.now();
  const hit = cache.get(deps.db);
  if (hit && now - hit.at < CACHE_MS) return hit.value;
  const stored = await readStoredSubscription(deps.db);
  cache.set(deps.db, { value: stored?.subscriptionId, at: now });
  return stored?.subscriptionId;
}
