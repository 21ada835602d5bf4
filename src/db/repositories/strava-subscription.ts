import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { stravaSubscription } from '../schema/index.js';

/** The app's single webhook subscription lives in the singleton row id = 1. */
const SINGLETON_ID = 1;

export type StoredSubscription = { subscriptionId: string; callbackUrl: string; createdAt: Date };

export async function loadStoredSubscription(db: DbOrTx): Promise<StoredSubscription | null> {
  const [row] = await db.select().from(stravaSubscription).where(eq(stravaSubscription.id, SINGLETON_ID));
  return row
    ? { subscriptionId: row.subscriptionId, callbackUrl: row.callbackUrl, createdAt: row.createdAt }
    : null;
}

/** Stores the subscription, replacing any stored before. */
export async function storeSubscription(db: DbOrTx, subscription: StoredSubscription): Promise<void> {
  await db
    .insert(stravaSubscription)
    .values({ id: SINGLETON_ID, ...subscription })
    .onConflictDoUpdate({ target: stravaSubscription.id, set: subscription });
}

export async function deleteStoredSubscription(db: DbOrTx): Promise<void> {
  await db.delete(stravaSubscription).where(eq(stravaSubscription.id, SINGLETON_ID));
}
