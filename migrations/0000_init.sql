CREATE TABLE "check_ins" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"runner_id" uuid NOT NULL,
	"feeling" text NOT NULL,
	"source" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "detections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"runner_id" uuid NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"activity_id" text NOT NULL,
	"local_date" date NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"metrics" jsonb NOT NULL,
	"message" text NOT NULL,
	"alertable" boolean NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	CONSTRAINT "detections_runner_key_uq" UNIQUE("runner_id","key")
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"runner_id" uuid NOT NULL,
	"template" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "email_outbox_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"runner_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"phase" text NOT NULL,
	"sessions_per_week" integer NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"reasons" jsonb NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_versions_runner_version_uq" UNIQUE("runner_id","version")
);
--> statement-breakpoint
CREATE TABLE "runners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"athlete_id" text NOT NULL,
	"firstname" text DEFAULT '' NOT NULL,
	"units" text DEFAULT 'metric' NOT NULL,
	"scopes" text DEFAULT '' NOT NULL,
	"email" text,
	"email_verified_at" timestamp with time zone,
	"alerts_enabled" boolean DEFAULT true NOT NULL,
	"unsubscribed_at" timestamp with time zone,
	"email_suppressed_at" timestamp with time zone,
	"disconnected_at" timestamp with time zone,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"backfill_status" text DEFAULT 'pending' NOT NULL,
	"backfill_pages" integer DEFAULT 0 NOT NULL,
	"backfill_runs" integer DEFAULT 0 NOT NULL,
	"last_analyzed_at" timestamp with time zone,
	"analysis_due_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runners_athlete_id_unique" UNIQUE("athlete_id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"runner_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"name" text NOT NULL,
	"sport_type" text NOT NULL,
	"type" text,
	"start_date" timestamp with time zone NOT NULL,
	"timezone" text NOT NULL,
	"local_date" date NOT NULL,
	"distance_m" double precision NOT NULL,
	"moving_time_s" integer NOT NULL,
	"average_heartrate" double precision,
	"max_heartrate" double precision,
	"workout_type" integer,
	"gear_id" text,
	"manual" boolean DEFAULT false NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runs_runner_id_activity_id_pk" PRIMARY KEY("runner_id","activity_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"runner_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shoes" (
	"runner_id" uuid NOT NULL,
	"gear_id" text NOT NULL,
	"name" text NOT NULL,
	"distance_m" double precision NOT NULL,
	"retired" boolean DEFAULT false NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shoes_runner_id_gear_id_pk" PRIMARY KEY("runner_id","gear_id")
);
--> statement-breakpoint
CREATE TABLE "strava_subscription" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"subscription_id" text NOT NULL,
	"callback_url" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strava_tokens" (
	"runner_id" uuid PRIMARY KEY NOT NULL,
	"access_token_enc" text NOT NULL,
	"refresh_token_enc" text NOT NULL,
	"key_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_key" text NOT NULL,
	"runner_id" uuid,
	"object_type" text NOT NULL,
	"object_id" text NOT NULL,
	"aspect_type" text NOT NULL,
	"owner_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"updates" jsonb NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "webhook_inbox_event_key_unique" UNIQUE("event_key")
);
--> statement-breakpoint
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "detections" ADD CONSTRAINT "detections_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_versions" ADD CONSTRAINT "plan_versions_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shoes" ADD CONSTRAINT "shoes_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strava_tokens" ADD CONSTRAINT "strava_tokens_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_inbox" ADD CONSTRAINT "webhook_inbox_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_ins_runner_idx" ON "check_ins" USING btree ("runner_id","at");--> statement-breakpoint
CREATE INDEX "detections_runner_idx" ON "detections" USING btree ("runner_id","detected_at");--> statement-breakpoint
CREATE INDEX "email_outbox_pending_idx" ON "email_outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "email_outbox_runner_idx" ON "email_outbox" USING btree ("runner_id","template","created_at");--> statement-breakpoint
CREATE INDEX "plan_versions_runner_idx" ON "plan_versions" USING btree ("runner_id");--> statement-breakpoint
CREATE INDEX "runs_runner_start_idx" ON "runs" USING btree ("runner_id","start_date");--> statement-breakpoint
CREATE INDEX "runs_fetched_idx" ON "runs" USING btree ("fetched_at");--> statement-breakpoint
CREATE INDEX "sessions_runner_idx" ON "sessions" USING btree ("runner_id");--> statement-breakpoint
CREATE INDEX "shoes_fetched_idx" ON "shoes" USING btree ("fetched_at");--> statement-breakpoint
CREATE INDEX "webhook_inbox_status_idx" ON "webhook_inbox" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "webhook_inbox_finished_idx" ON "webhook_inbox" USING btree ("finished_at");