CREATE TABLE "ledger_evidence" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ledger_item_id" bigint NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"key" text NOT NULL,
	"item_id" text NOT NULL,
	"task_id" text NOT NULL,
	"task" text NOT NULL,
	"unit" text NOT NULL,
	"owner" text NOT NULL,
	"text" text NOT NULL,
	"measures" text,
	"raised_in" text NOT NULL,
	"last_seen_in" text NOT NULL,
	"due" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_in" text,
	"closed_by" text,
	"close_note" text,
	"review_note" text
);
--> statement-breakpoint
CREATE TABLE "month_settings" (
	"plan_id" text PRIMARY KEY NOT NULL,
	"yellow_points" double precision DEFAULT 10 NOT NULL,
	"red_points" double precision DEFAULT 30 NOT NULL,
	"reminder_rules" jsonb,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminder_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"send_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"ok" boolean NOT NULL,
	"http_status" integer,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "reminder_sends" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"period" text NOT NULL,
	"unit" text NOT NULL,
	"occurrence" text NOT NULL,
	"status" text NOT NULL,
	"text" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"claimed_by" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reminder_webhooks" (
	"plan_id" text NOT NULL,
	"unit" text NOT NULL,
	"kind" text NOT NULL,
	"url" text NOT NULL,
	"secret" text,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminder_webhooks_plan_id_unit_pk" PRIMARY KEY("plan_id","unit")
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"plan_id" text NOT NULL,
	"period" text NOT NULL,
	"unit" text NOT NULL,
	"status" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"reporter" text NOT NULL,
	"phone" text NOT NULL,
	"reviewer" text NOT NULL,
	"submitted_by" text NOT NULL,
	"returned_at" timestamp with time zone,
	"returned_by" text,
	"return_reason" text,
	CONSTRAINT "submissions_plan_id_period_unit_pk" PRIMARY KEY("plan_id","period","unit")
);
--> statement-breakpoint
ALTER TABLE "ledger_evidence" ADD CONSTRAINT "ledger_evidence_ledger_item_id_ledger_items_id_fk" FOREIGN KEY ("ledger_item_id") REFERENCES "public"."ledger_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_items" ADD CONSTRAINT "ledger_items_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "month_settings" ADD CONSTRAINT "month_settings_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_attempts" ADD CONSTRAINT "reminder_attempts_send_id_reminder_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."reminder_sends"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_webhooks" ADD CONSTRAINT "reminder_webhooks_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_items_key_idx" ON "ledger_items" USING btree ("plan_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "reminder_sends_once_idx" ON "reminder_sends" USING btree ("plan_id","period","unit","occurrence");