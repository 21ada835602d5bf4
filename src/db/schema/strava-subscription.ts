import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The app's single Strava webhook subscription (Strava allows one per app),
 * stored by `npm run strava -- subscription create`. Singleton row id = 1.
 */
export const stravaSubscription = pgTable('strava_subscription', {
  id: integer('id').primaryKey().default(1),
  subscriptionId: text('subscription_id').notNull(),
  callbackUrl: text('callback_url').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
