import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy.js';
import { MIGRATIONS } from './migrations/index.js';
import { busyAwarePg, DEFAULT_POOL_ACQUIRE_TIMEOUT_MS } from './pool.js';

export interface DatabaseOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  poolSize?: number;
  /** Longest wait for a pooled connection; then the query fails with DatabaseBusyError (503). */
  acquireTimeoutMs?: number;
  logging?: boolean;
}

/** The one place DataSource options are built (API, CLI, seed, tests). Never `synchronize`. */
export function buildDataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // Off by default: a failed query's log line would carry its parameters (personal data).
    logging: options.logging ? ['error', 'warn', 'migration'] : false,
    // pg with a Pool whose acquire timeout is a coded error (DatabaseBusyError → 503 DATABASE_BUSY)
    driver: busyAwarePg,
    extra: {
      max: options.poolSize ?? 20,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
      application_name: 'eldercare',
    },
  };
}
