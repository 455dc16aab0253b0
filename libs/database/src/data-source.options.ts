import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DatabaseOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  poolSize?: number;
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
    extra: { max: options.poolSize ?? 20, application_name: 'eldercare' },
  };
}
