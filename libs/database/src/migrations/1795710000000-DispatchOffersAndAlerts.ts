import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dispatch engine (issue 8).
 *
 * - `order_offer`: one row per provider an order was offered to, with its state, deadline and the
 *   ranking explanation (jsonb, written by the dispatch engine, opaque to orders). The order's
 *   `version` check stays the single point where exactly one acceptance wins; the rows are the
 *   history ("never offer again to a provider that declined") and the per-offer deadlines.
 * - `service_order.offered_to`: the providers holding an OPEN offer on the order (empty unless
 *   OFFERED), kept in the transitions' transactions. It lets the access policy and the provider's
 *   order list decide from the order row alone (GIN index for `= ANY`).
 * - `order_event.offered_to`: the same set snapshotted into each event, for real-time routing.
 * - `dispatch_alert`: an order nobody took, escalated STATION → HUB → DISTRICT.
 * - `dispatch_setting`: per district, AUTO (the engine offers) or MANUAL (people do).
 * - `provider_contract.community_codes`: a GIN index, so "contracted for this community" is an
 *   index lookup (`community_codes @> ARRAY[$1]`).
 */
export class DispatchOffersAndAlerts1795710000000 implements MigrationInterface {
  name = 'DispatchOffersAndAlerts1795710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "order_offer" (
      "id" uuid NOT NULL,
      "order_id" uuid NOT NULL REFERENCES "service_order"("id"),
      "provider_id" uuid NOT NULL REFERENCES "provider"("id"),
      "round" smallint NOT NULL,
      "state" varchar(10) NOT NULL DEFAULT 'OPEN' CHECK ("state" IN ('OPEN','ACCEPTED','REJECTED','EXPIRED','WITHDRAWN')),
      "expires_at" timestamptz NOT NULL,
      "manual" boolean NOT NULL,
      "offered_by" uuid NOT NULL,
      "offered_by_role" varchar(24) NOT NULL,
      "reason" varchar(500),
      "explanation" jsonb,
      "planned_worker_id" uuid,
      "planned_start" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "decided_at" timestamptz,
      "decided_by" uuid,
      "decision_reason" varchar(500),
      CONSTRAINT "PK_order_offer" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_order_offer_order" ON "order_offer" ("order_id", "created_at")`);
    await q.query(
      `CREATE INDEX "IDX_order_offer_open_provider" ON "order_offer" ("provider_id") WHERE "state" = 'OPEN'`,
    );
    await q.query(`CREATE INDEX "IDX_order_offer_provider_created" ON "order_offer" ("provider_id", "created_at")`);
    await q.query(`ALTER TABLE "service_order" ADD "offered_to" uuid[] NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE INDEX "IDX_service_order_offered_to" ON "service_order" USING gin ("offered_to")`);
    await q.query(
      `UPDATE "service_order" SET "offered_to" = ARRAY["provider_id"] WHERE "state" = 'OFFERED' AND "provider_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_service_order_active_provider" ON "service_order" ("provider_id") WHERE "state" IN ('ACCEPTED','EN_ROUTE','IN_SERVICE')`,
    );
    await q.query(
      `CREATE INDEX "IDX_service_order_active_worker" ON "service_order" ("worker_id") WHERE "state" IN ('ACCEPTED','EN_ROUTE','IN_SERVICE')`,
    );
    await q.query(
      `CREATE INDEX "IDX_service_order_elder_type" ON "service_order" ("elder_id", "service_type", "created_at")`,
    );
    await q.query(`ALTER TABLE "order_event" ADD "offered_to" uuid[] NOT NULL DEFAULT '{}'`);
    await q.query(
      `CREATE INDEX "IDX_provider_contract_communities_gin" ON "provider_contract" USING gin ("community_codes")`,
    );
    await q.query(`CREATE TABLE "dispatch_alert" (
      "id" uuid NOT NULL,
      "order_id" uuid NOT NULL REFERENCES "service_order"("id"),
      "reason" varchar(24) NOT NULL,
      "level" varchar(10) NOT NULL CHECK ("level" IN ('STATION','HUB','DISTRICT')),
      "emergency" boolean NOT NULL,
      "region_path" varchar(80) COLLATE "C" NOT NULL,
      "raised_at" timestamptz NOT NULL DEFAULT now(),
      "escalated_at" timestamptz,
      "acknowledged_at" timestamptz,
      "acknowledged_by" uuid,
      "resolved_at" timestamptz,
      "resolved_by" uuid,
      "resolution" varchar(500),
      "explanation" jsonb,
      "history" jsonb NOT NULL DEFAULT '[]',
      CONSTRAINT "PK_dispatch_alert" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "IDX_dispatch_alert_region_open" ON "dispatch_alert" ("region_path") WHERE "resolved_at" IS NULL`,
    );
    await q.query(`CREATE INDEX "IDX_dispatch_alert_order" ON "dispatch_alert" ("order_id")`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_dispatch_alert_open_reason" ON "dispatch_alert" ("order_id", "reason") WHERE "resolved_at" IS NULL`,
    );
    await q.query(`CREATE TABLE "dispatch_setting" (
      "district_code" varchar(12) NOT NULL REFERENCES "region"("code"),
      "mode" varchar(8) NOT NULL CHECK ("mode" IN ('AUTO','MANUAL')),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      "updated_by" uuid NOT NULL,
      CONSTRAINT "PK_dispatch_setting" PRIMARY KEY ("district_code"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "dispatch_setting"`);
    await q.query(`DROP TABLE "dispatch_alert"`);
    await q.query(`DROP INDEX "IDX_provider_contract_communities_gin"`);
    await q.query(`ALTER TABLE "order_event" DROP COLUMN "offered_to"`);
    await q.query(`DROP INDEX "IDX_service_order_elder_type"`);
    await q.query(`DROP INDEX "IDX_service_order_active_worker"`);
    await q.query(`DROP INDEX "IDX_service_order_active_provider"`);
    await q.query(`DROP INDEX "IDX_service_order_offered_to"`);
    await q.query(`ALTER TABLE "service_order" DROP COLUMN "offered_to"`);
    await q.query(`DROP TABLE "order_offer"`);
  }
}
