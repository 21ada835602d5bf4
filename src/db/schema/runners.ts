import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Why a runner is parked (no Strava call until they reconnect). */
export const STRAVA_REFUSALS = [
  'activity_scope_missing',
  'access_revoked',
  'grant_invalid',
  'athlete_not_found',
  'strava_failing',
] as const;
export type StravaRefusal = (typeof STRAVA_REFUSALS)[number];

/** One row per connected Strava athlete. Every other runner table cascades from it. */
export const runners = pgTable('runners', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  /** Strava athlete id (text: ids can exceed 2^53). Matches webhook `owner_id`. */
  athleteId: text('athlete_id').notNull().unique(),
  firstname: text('firstname').notNull().default(''),
  /** IANA zone of the runner's latest run: local days for the plan page, emails and check-ins. */
  timezone: text('timezone').notNull().default('UTC'),
  units: text('units', { enum: ['metric', 'imperial'] })
    .notNull()
    .default('metric'),
  /** Scopes the runner granted (comma-separated, from the OAuth redirect). */
  scopes: text('scopes').notNull().default(''),
  email: text('email'),
  emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
  alertsEnabled: boolean('alerts_enabled').notNull().default(true),
  unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
  /** Set when SMTP rejected the address permanently (5xx): nothing more is sent to it. */
  emailSuppressedAt: timestamp('email_suppressed_at', { withTimezone: true }),
  /** Set when Strava refused the runner's tokens for good (revoked); cleared on reconnect. */
  disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
  /**
   * Why Strava access stopped (docs/strava-quota.md): set with `disconnected_at` when Strava refused
   * for a reason retrying cannot fix, so no further call is made until the runner reconnects.
   */
  stravaRefusal: text('strava_refusal', { enum: STRAVA_REFUSALS }),
  /**
   * Analyses in a row that failed on a transient Strava failure (docs/strava-quota.md#transient-failures):
   * the next read waits until `strava_retry_at`; at the limit the runner is parked.
   */
  stravaFailures: integer('strava_failures').notNull().default(0),
  stravaRetryAt: timestamp('strava_retry_at', { withTimezone: true }),
  /** When the runner first connected: the plan starts here. */
  connectedAt: timestamp('connected_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * Start of the read that ended the runner's latest (re)connect; null until that read commits
   * (docs/alerts.md#what-may-alert). Runs that read first sees are history and never alert.
   */
  connectReadAt: timestamp('connect_read_at', { withTimezone: true }),
  backfillStatus: text('backfill_status', { enum: ['pending', 'running', 'done', 'failed'] })
    .notNull()
    .default('pending'),
  backfillPages: integer('backfill_pages').notNull().default(0),
  backfillRuns: integer('backfill_runs').notNull().default(0),
  /** When the runner's cached window was last read from Strava. */
  lastAnalyzedAt: timestamp('last_analyzed_at', { withTimezone: true }),
  /** Analysis requested and not yet completed (survives a Redis wipe; the sweeper re-enqueues it). */
  analysisDueAt: timestamp('analysis_due_at', { withTimezone: true }),
  /**
   * Version carried by every calendar and unsubscribe token minted for the
   * runner; "Reset my calendar link" bumps it, which kills every older link
   * (docs/front-door.md#revocable-links).
   */
  linkVersion: integer('link_version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
