CREATE TABLE "run_sightings" (
	"runner_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"in_connect_read" boolean NOT NULL,
	CONSTRAINT "run_sightings_runner_id_activity_id_pk" PRIMARY KEY("runner_id","activity_id")
);
--> statement-breakpoint
ALTER TABLE "runners" ADD COLUMN "connect_read_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "run_sightings" ADD CONSTRAINT "run_sightings_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;