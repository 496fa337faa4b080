CREATE TABLE "bulletin_settings" (
	"plan_id" text PRIMARY KEY NOT NULL,
	"issuer" text,
	"first_issue_number" integer DEFAULT 1 NOT NULL,
	"copy_to" text,
	"printed_by" text,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "period_snapshots" (
	"plan_id" text NOT NULL,
	"period" text NOT NULL,
	"version" integer NOT NULL,
	"closed_by" text NOT NULL,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "period_snapshots_plan_id_period_version_pk" PRIMARY KEY("plan_id","period","version")
);
--> statement-breakpoint
CREATE TABLE "target_revisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"target_id" text NOT NULL,
	"from_period" text,
	"value" double precision NOT NULL,
	"max" double precision,
	"unit" text NOT NULL,
	"comparator" text NOT NULL,
	"reason" text,
	"conversion" jsonb,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bulletin_settings" ADD CONSTRAINT "bulletin_settings_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_snapshots" ADD CONSTRAINT "period_snapshots_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_revisions" ADD CONSTRAINT "target_revisions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "target_revisions_idx" ON "target_revisions" USING btree ("plan_id","target_id","from_period");