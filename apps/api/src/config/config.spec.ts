import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';

const KEYS = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  PII_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
  JWT_SECRET: Buffer.alloc(48, 3).toString('base64'),
};

describe('configuration', () => {
  it('has working defaults for a newcomer (embedded database, development)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const c = loadConfig({ EMBEDDED_PG_DATA_DIR: path.join(dir, 'pg') }, dir);
    expect(c).toMatchObject({ env: 'development', port: 3000, databaseUrl: undefined, demoSeed: true });
    // a request never waits for a database connection forever: a few seconds, then 503
    expect(c.dbPoolAcquireTimeoutMs).toBe(5_000);
    expect(loadConfig({ ...KEYS, DB_POOL_ACQUIRE_TIMEOUT_MS: '1500' }, dir).dbPoolAcquireTimeoutMs).toBe(1_500);
    // development secrets are generated once, kept beside the data, readable by the owner only
    const again = loadConfig({ EMBEDDED_PG_DATA_DIR: path.join(dir, 'pg') }, dir);
    expect(again.piiEncryptionKey).toBe(c.piiEncryptionKey);
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ DB_POOL_SIZE: '0' }, 'DB_POOL_SIZE'],
    [{ DB_POOL_ACQUIRE_TIMEOUT_MS: '50' }, 'DB_POOL_ACQUIRE_TIMEOUT_MS'],
    [{ DB_POOL_ACQUIRE_TIMEOUT_MS: '5s' }, 'DB_POOL_ACQUIRE_TIMEOUT_MS'],
    [{ DB_POOL_ACQUIRE_TIMEOUT_MS: '600000' }, 'DB_POOL_ACQUIRE_TIMEOUT_MS'],
    [{ PII_ENCRYPTION_KEY: 'too-short' }, 'PII_ENCRYPTION_KEY'],
    [{ PII_ENCRYPTION_KEY: Buffer.alloc(48, 1).toString('base64') }, 'PII_ENCRYPTION_KEY'],
    [{ JWT_SECRET: 'c2hvcnQ=' }, 'JWT_SECRET'],
    [{ ACCESS_TOKEN_TTL_SECONDS: '-5' }, 'ACCESS_TOKEN_TTL_SECONDS'],
    [{ SCHEDULER_ENABLED: 'no' }, 'SCHEDULER_ENABLED'],
    [{ SCHEDULER_CONCURRENCY: '0' }, 'SCHEDULER_CONCURRENCY'],
    [{ SCHEDULER_SAFETY_POLL_MS: '10' }, 'SCHEDULER_SAFETY_POLL_MS'],
    [{ SCHEDULER_MAX_ATTEMPTS: 'many' }, 'SCHEDULER_MAX_ATTEMPTS'],
  ])('refuses %j and names %s', (env, variable) => {
    expect(() => loadConfig({ ...KEYS, ...env } as Record<string, string>)).toThrow(ConfigError);
    expect(() => loadConfig({ ...KEYS, ...env } as Record<string, string>)).toThrow(variable);
  });

  it('runs scheduled jobs on every instance by default, with settings that can be changed', () => {
    expect(loadConfig(KEYS)).toMatchObject({
      schedulerEnabled: true,
      schedulerConcurrency: 4,
      schedulerSafetyPollMs: 5_000,
      schedulerMaxAttempts: 8,
    });
    const c = loadConfig({
      ...KEYS,
      SCHEDULER_ENABLED: 'false',
      SCHEDULER_CONCURRENCY: '2',
      SCHEDULER_SAFETY_POLL_MS: '1000',
      SCHEDULER_MAX_ATTEMPTS: '3',
    });
    expect(c).toMatchObject({
      schedulerEnabled: false,
      schedulerConcurrency: 2,
      schedulerSafetyPollMs: 1_000,
      schedulerMaxAttempts: 3,
    });
  });

  it('requires explicit secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y' })).toThrow(
      'PII_ENCRYPTION_KEY is required when NODE_ENV=production',
    );
    const c = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', ...KEYS });
    expect(c).toMatchObject({ env: 'production', demoSeed: false, databaseUrl: 'postgres://x/y' });
  });
});
