import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Real-time foundations on the order event log (issue "Real-time", defects 1 and 3).
 *
 * - `xid`: the 64-bit id of the transaction that wrote the row (`pg_current_xact_id()`, kept as
 *   bigint because TypeORM has no xid8 type; the xid8 is epoch-extended, so it never wraps). Readers order the log by `(xid, id)` and read only
 *   below the oldest running transaction (`pg_snapshot_xmin(pg_current_snapshot())`), so an event
 *   whose transaction commits after a later id's is delivered after it commits, never skipped
 *   (see `OrderEventsFeed` in libs/orders). Index `(xid, id)` serves that read.
 * - Routing snapshot, as of the event (after the transition): `elder_id`, `provider_id`, `worker_id`,
 *   and `former_provider_id`, the provider the transition took the order from (REJECT, EXPIRE), so
 *   that provider can be told. Fan-out then needs no join with the order's current state.
 *
 * The log is append-only (AppendOnlyLogs): adding columns fires no row trigger, but the backfill of
 * existing rows is an UPDATE, so the append-only trigger is disabled for it inside this migration's
 * transaction only (the migration runs as the table's owner). Existing rows all get the migration's
 * xid: they sort before every later event, by id among themselves.
 */
export class OrderEventCursorAndRouting1795500000000 implements MigrationInterface {
  name = 'OrderEventCursorAndRouting1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A function, not the cast expression, as the default: TypeORM strips casts from the defaults it
    // reads back, so `pg_current_xact_id()::text::bigint` would always look like drift.
    await queryRunner.query(
      `CREATE FUNCTION current_xact_id_bigint() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT pg_current_xact_id()::text::bigint $$`,
    );
    await queryRunner.query(`ALTER TABLE "order_event" ADD "xid" bigint NOT NULL DEFAULT current_xact_id_bigint()`);
    await queryRunner.query(`ALTER TABLE "order_event" ADD "elder_id" uuid`);
    await queryRunner.query(`ALTER TABLE "order_event" ADD "provider_id" uuid`);
    await queryRunner.query(`ALTER TABLE "order_event" ADD "former_provider_id" uuid`);
    await queryRunner.query(`ALTER TABLE "order_event" ADD "worker_id" uuid`);

    // Backfill from the log itself: the provider is the last OFFER's unless a REJECT/EXPIRE came
    // after it; the worker is the last ACCEPT's; the elder never changes.
    await queryRunner.query(`ALTER TABLE "order_event" DISABLE TRIGGER "order_event_append_only"`);
    await queryRunner.query(`
      UPDATE "order_event" e SET
        elder_id = o.elder_id,
        provider_id = (SELECT CASE WHEN f.type = 'OFFER' THEN (f.payload->>'providerId')::uuid END
                         FROM "order_event" f
                        WHERE f.order_id = e.order_id AND f.seq <= e.seq AND f.type IN ('OFFER', 'REJECT', 'EXPIRE')
                        ORDER BY f.seq DESC LIMIT 1),
        former_provider_id = CASE WHEN e.type IN ('REJECT', 'EXPIRE') THEN (e.payload->>'providerId')::uuid END,
        worker_id = (SELECT (f.payload->>'workerId')::uuid
                       FROM "order_event" f
                      WHERE f.order_id = e.order_id AND f.seq <= e.seq AND f.type = 'ACCEPT'
                      ORDER BY f.seq DESC LIMIT 1)
        FROM "service_order" o WHERE o.id = e.order_id`);
    await queryRunner.query(`ALTER TABLE "order_event" ENABLE TRIGGER "order_event_append_only"`);

    await queryRunner.query(`ALTER TABLE "order_event" ALTER COLUMN "elder_id" SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_order_event_xid_id" ON "order_event" ("xid", "id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_order_event_xid_id"`);
    await queryRunner.query(`ALTER TABLE "order_event" DROP COLUMN "worker_id"`);
    await queryRunner.query(`ALTER TABLE "order_event" DROP COLUMN "former_provider_id"`);
    await queryRunner.query(`ALTER TABLE "order_event" DROP COLUMN "provider_id"`);
    await queryRunner.query(`ALTER TABLE "order_event" DROP COLUMN "elder_id"`);
    await queryRunner.query(`ALTER TABLE "order_event" DROP COLUMN "xid"`);
    await queryRunner.query(`DROP FUNCTION current_xact_id_bigint()`);
  }
}
