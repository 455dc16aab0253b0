import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters shared by every API instance (issue "Operations", several instances as one):
 * one row per (route, client address) holding the current fixed one-minute window and its hits,
 * bumped by a single `INSERT … ON CONFLICT … DO UPDATE … RETURNING` per request (RateLimitGuard).
 *
 * UNLOGGED: the counters are worth nothing after a crash (the table comes back empty, which only
 * reopens the windows) and not worth WAL or replication. Expired rows are deleted now and then by
 * the guard, through the index on `window_start`.
 */
export class RateLimitWindow1795600000000 implements MigrationInterface {
  name = 'RateLimitWindow1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNLOGGED TABLE "rate_limit_window" ("key" text NOT NULL, "window_start" timestamptz NOT NULL, "hits" integer NOT NULL, CONSTRAINT "PK_rate_limit_window" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_rate_limit_window_start" ON "rate_limit_window" ("window_start")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_limit_window"`);
  }
}
