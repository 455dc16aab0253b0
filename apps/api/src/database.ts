import { startEmbeddedPostgres } from '#lib/database';
import type { AppConfig } from './config/config.js';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when given; otherwise the `eldercare` database of the embedded cluster in config.dataDir. */
export async function connectDatabase(config: AppConfig): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  const db = await startEmbeddedPostgres({ dataDir: config.dataDir, database: 'eldercare' });
  return { url: db.url, embedded: true, stop: db.stop };
}
