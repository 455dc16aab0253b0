import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The slow-moving half of what the dispatch ranking weighs, per provider: orders accepted this month
 * (fairness), ratings, and offer outcomes of the last 90 days (acceptance history). Aggregating them
 * over service_order and order_offer in every decision cost ~15 ms per provider on the 100,000-elder
 * city (300 ms a decision); a durable job recomputes this table every few minutes instead (the
 * explanation says as of when). Load (open offers, active orders) is still counted live.
 */
export class ProviderDispatchStats1795730000000 implements MigrationInterface {
  name = 'ProviderDispatchStats1795730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "provider_dispatch_stats" (
      "provider_id" uuid NOT NULL REFERENCES "provider"("id"),
      "month_start" timestamptz NOT NULL,
      "orders_this_month" integer NOT NULL,
      "rating_sum" integer NOT NULL,
      "rating_count" integer NOT NULL,
      "offers_accepted" integer NOT NULL,
      "offers_rejected" integer NOT NULL,
      "offers_expired" integer NOT NULL,
      "refreshed_at" timestamptz NOT NULL,
      CONSTRAINT "PK_provider_dispatch_stats" PRIMARY KEY ("provider_id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "provider_dispatch_stats"`);
  }
}
