CREATE TABLE "assignments" (
	"plan_id" text NOT NULL,
	"task_id" text NOT NULL,
	"unit_id" bigint NOT NULL,
	"role" text NOT NULL,
	"ord" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "assignments_plan_id_task_id_unit_id_pk" PRIMARY KEY("plan_id","task_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" text,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"old" jsonb,
	"new" jsonb,
	"batch_id" text
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"plan_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "batches_plan_id_kind_batch_id_pk" PRIMARY KEY("plan_id","kind","batch_id")
);
--> statement-breakpoint
CREATE TABLE "nodes" (
	"plan_id" text NOT NULL,
	"id" text NOT NULL,
	"parent_id" text,
	"ord" integer NOT NULL,
	"kind" text NOT NULL,
	"number" text NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"span" jsonb NOT NULL,
	"deadlines" jsonb NOT NULL,
	"units" jsonb,
	CONSTRAINT "nodes_plan_id_id_pk" PRIMARY KEY("plan_id","id")
);
--> statement-breakpoint
CREATE TABLE "periods" (
	"plan_id" text NOT NULL,
	"period" text NOT NULL,
	"deadline" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	CONSTRAINT "periods_plan_id_period_pk" PRIMARY KEY("plan_id","period")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"year" integer,
	"issuer" text,
	"script" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "progress" (
	"plan_id" text NOT NULL,
	"key" text NOT NULL,
	"item_id" text NOT NULL,
	"period" text NOT NULL,
	"month_done" double precision,
	"cumulative" double precision,
	"status" text,
	"progress" text,
	"problems" text,
	"next_steps" text,
	"version" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"txid" bigint DEFAULT (pg_current_xact_id()::text::bigint) NOT NULL,
	CONSTRAINT "progress_plan_id_key_pk" PRIMARY KEY("plan_id","key")
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"plan_id" text NOT NULL,
	"id" text NOT NULL,
	"task_id" text NOT NULL,
	"ord" integer NOT NULL,
	"metric" text NOT NULL,
	"value" double precision NOT NULL,
	"max" double precision,
	"unit" text NOT NULL,
	"comparator" text NOT NULL,
	"kind" text NOT NULL,
	"quote" text NOT NULL,
	"span" jsonb NOT NULL,
	"confidence" double precision NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "targets_plan_id_id_pk" PRIMARY KEY("plan_id","id")
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"role" text NOT NULL,
	"unit_id" bigint,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "units_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "periods" ADD CONSTRAINT "periods_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress" ADD CONSTRAINT "progress_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_entity_idx" ON "audit" USING btree ("entity","entity_id","id");--> statement-breakpoint
CREATE INDEX "progress_pull_idx" ON "progress" USING btree ("plan_id","txid","key");--> statement-breakpoint
CREATE INDEX "progress_period_idx" ON "progress" USING btree ("plan_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "tokens_hash_idx" ON "tokens" USING btree ("hash");