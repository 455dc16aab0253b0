export * from './embedded-postgres.js';
export * from './data-source.options.js';
export * from './naming.strategy.js';
export * from './server-version.js';
export * from './migrate.js';
export * from './sql.js';
export * from './pool.js';
export * from './transaction-host.js';
export { MIGRATIONS } from './migrations/index.js';
