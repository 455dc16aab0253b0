import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batch assignment of a day's scheduled orders (issue 8, item 8): one row per plan a dispatcher or
 * hub asked for (`POST /dispatch/batches`), kept as planned (DRAFT) until someone commits it, which
 * creates the offers (COMMITTED). DISCARDED is reserved for a draft someone throws away.
 *
 * - `region_path` (collation "C", like every region path) is the street's or district's path, so the
 *   scope check of the region roles is a prefix test and the index serves "batches of my region".
 * - `input_summary`: what the plan was made from (counts, the orders and their numbers, the day's
 *   bounds); `plan`: the optimised plan with the solver's figures; `greedy`: the greedy baseline on
 *   the same input; `result`: what the commit did (offers made, orders skipped). No entity: the API
 *   reads and writes the row with SQL (libs/dispatch/src/batch-api/).
 */
export class DispatchBatch1795720000000 implements MigrationInterface {
  name = 'DispatchBatch1795720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "dispatch_batch" (
      "id" uuid NOT NULL,
      "region_code" varchar(12) NOT NULL REFERENCES "region"("code"),
      "region_path" varchar(80) COLLATE "C" NOT NULL,
      "service_date" date NOT NULL,
      "state" varchar(10) NOT NULL DEFAULT 'DRAFT',
      "created_by" uuid NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "committed_at" timestamptz,
      "committed_by" uuid,
      "input_summary" jsonb NOT NULL,
      "plan" jsonb NOT NULL,
      "greedy" jsonb NOT NULL,
      "result" jsonb,
      CONSTRAINT "PK_dispatch_batch" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_dispatch_batch_state" CHECK ("state" IN ('DRAFT', 'COMMITTED', 'DISCARDED')),
      CONSTRAINT "CHK_dispatch_batch_committed" CHECK (
        ("state" = 'COMMITTED') = ("committed_at" IS NOT NULL AND "committed_by" IS NOT NULL AND "result" IS NOT NULL)))`);
    await q.query(
      `CREATE INDEX "IDX_dispatch_batch_region_date" ON "dispatch_batch" ("region_path", "service_date", "created_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "dispatch_batch"`);
  }
}
