CREATE TABLE "runner_email_addresses" (
	"runner_id" uuid NOT NULL,
	"address_hash" text NOT NULL,
	"verified_at" timestamp with time zone,
	"held_at" timestamp with time zone,
	"held_reason" text,
	CONSTRAINT "runner_email_addresses_runner_id_address_hash_pk" PRIMARY KEY("runner_id","address_hash")
);
--> statement-breakpoint
ALTER TABLE "runners" ADD COLUMN "link_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "runner_email_addresses" ADD CONSTRAINT "runner_email_addresses_runner_id_runners_id_fk" FOREIGN KEY ("runner_id") REFERENCES "public"."runners"("id") ON DELETE cascade ON UPDATE no action;