import path from 'node:path';
import { startEmbeddedPostgres } from '#lib/database';
import type { AppConfig } from './config/config.js';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** For the start banner: where the embedded cluster keeps its data, and why there if not the default. */
  location?: string;
  stop(): Promise<void>;
}

/** Where the data is, saying so when loadConfig moved it out of a checkout that "postgres" cannot enter. */
export function describeDataDir(config: AppConfig, env = process.env, cwd = process.cwd()): string {
  const moved = !env.EMBEDDED_PG_DATA_DIR && path.resolve(config.dataDir) !== path.join(cwd, '.data', 'pgdata');
  return moved
    ? `${config.dataDir}, not in .data/: as root PostgreSQL runs as the "postgres" user, which cannot enter ${cwd}; ` +
        `set EMBEDDED_PG_DATA_DIR to keep it elsewhere`
    : config.dataDir;
}

/** DATABASE_URL when given; otherwise the `eldercare` database of the embedded cluster in config.dataDir. */
export async function connectDatabase(config: AppConfig): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  const db = await startEmbeddedPostgres({ dataDir: config.dataDir, database: 'eldercare' });
  return { url: db.url, embedded: true, location: describeDataDir(config), stop: db.stop };
}
