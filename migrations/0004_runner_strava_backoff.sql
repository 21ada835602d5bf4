ALTER TABLE "runners" ADD COLUMN "strava_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runners" ADD COLUMN "strava_retry_at" timestamp with time zone;