import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable timers (libs/scheduler): one row per pending job of a (kind, key) — an offer deadline, an
 * escalation, "dispatch this order now". The row is written in the same transaction as the business
 * change that needs it, and deleted in the same transaction as the handler's effect, so a job fires
 * exactly once, or not at all when the change that scheduled it rolled back.
 *
 * A failed handler leaves the row PENDING with `attempts` counted and `due_at` moved back (back-off);
 * after the last attempt it stays as FAILED with `last_error`, for an operator to look at.
 * Runners find due work through the partial index on `due_at` of the pending rows.
 */
export class ScheduledJob1795700000000 implements MigrationInterface {
  name = 'ScheduledJob1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "scheduled_job" (
        "id" bigserial NOT NULL,
        "kind" varchar(40) NOT NULL,
        "key" varchar(120) NOT NULL,
        "due_at" timestamptz NOT NULL,
        "payload" jsonb NOT NULL DEFAULT '{}',
        "state" varchar(8) NOT NULL DEFAULT 'PENDING',
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" varchar(500),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_scheduled_job" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_scheduled_job_kind_key" UNIQUE ("kind", "key"),
        CONSTRAINT "CHK_scheduled_job_state" CHECK ("state" IN ('PENDING', 'FAILED'))
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_scheduled_job_pending_due" ON "scheduled_job" ("due_at") WHERE "state" = 'PENDING'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "scheduled_job"`);
  }
}
