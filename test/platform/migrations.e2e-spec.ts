import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, MIGRATIONS, runMigrationsLocked } from '#lib/database';
import { ENTITIES } from '../../apps/api/src/entities.js';

describe('migrations', () => {
  it('let several replicas start at once on an empty database: one migrates, the others wait', async () => {
    const adminUrl = process.env.ELDERCARE_TEST_ADMIN_URL!;
    const name = `eldercare_test_mig_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const replicas = [1, 2, 3].map(
      () => new DataSource(buildDataSourceOptions({ url: url.toString(), entities: ENTITIES })),
    );
    try {
      await Promise.all(replicas.map((ds) => ds.initialize()));
      const applied = await Promise.all(replicas.map((ds) => runMigrationsLocked(ds)));
      expect(applied.map((a) => a.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
      const [{ n }] = (await replicas[0].query(`SELECT count(*)::int AS n FROM schema_migration`)) as { n: number }[];
      expect(n).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(replicas.map((ds) => ds.destroy()));
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
