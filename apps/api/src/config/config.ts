import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { dispatchConfig, parseLeadMinutes, type DispatchConfigOverrides, type DispatchOptions } from '#lib/dispatch';

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** External PostgreSQL; when absent an embedded cluster is started in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  dbPoolSize: number;
  /** Longest wait for a pooled database connection; then the request gets 503 DATABASE_BUSY. */
  dbPoolAcquireTimeoutMs: number;
  /** HTTP worker processes sharing the port (node:cluster); 1 serves from the main process. */
  workers: number;
  piiEncryptionKey: string;
  piiHashKey: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  logLevel: string;
  /** Load the small demo data set when the database is empty (first start). */
  demoSeed: boolean;
  /** Requests per minute per client on sign-in routes. */
  authRateLimitPerMinute: number;
  maxFailedLogins: number;
  lockoutMinutes: number;
  /** Run scheduled jobs (libs/scheduler) on this instance; false: it still schedules them, others run them. */
  schedulerEnabled: boolean;
  /** Jobs handled at the same time per instance. */
  schedulerConcurrency: number;
  /** Safety re-check of the next due job, should a wake-up notice be lost. */
  schedulerSafetyPollMs: number;
  /** Attempts of a failing job before it stays FAILED. */
  schedulerMaxAttempts: number;
  /** The dispatch engine offers by itself (DISPATCH_AUTO); false: every district dispatches by hand. */
  dispatchAuto: boolean;
  /** DISPATCH_LEAD_MINUTES: how long before a scheduled order's window it is dispatched, per service type. */
  dispatchLeadMinutes: DispatchOptions['leadMinutes'];
  /** DISPATCH_CONFIG: JSON overrides of the engine's weights, circles, fan-out and escalation delays. */
  dispatchConfig: DispatchConfigOverrides;
}

/** Runs a parser of one variable; its error becomes a ConfigError naming the variable. */
function parsed<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ConfigError(name, (err as Error).message);
  }
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false, got "${raw}"`);
  return raw === 'true';
}

function base64Key(env: Env, name: string, minBytes: number, generated: () => string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return generated();
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length < minBytes || bytes.toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, ''))
    throw new ConfigError(
      name,
      `must be base64 of at least ${minBytes} random bytes (e.g. \`openssl rand -base64 32\`)`,
    );
  return raw;
}

/** True when a non-root user (the embedded "postgres" user) can enter every existing parent of `dir`. */
function traversableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/**
 * Development secrets are generated once and kept beside the data (mode 0600), so the encrypted
 * personal data stays readable across restarts. Production must set them explicitly.
 */
function localSecrets(dataDir: string): Record<string, string> {
  const file = path.join(path.dirname(path.resolve(dataDir)), 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const secrets = {
    PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PII_HASH_KEY: randomBytes(32).toString('base64'),
    JWT_SECRET: randomBytes(48).toString('base64'),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

/** Reads and validates the environment; a wrong value stops the start with a message naming it. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv))
    throw new ConfigError('NODE_ENV', `must be development, production or test, got "${nodeEnv}"`);
  const production = nodeEnv === 'production';

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');

  let dataDir = env.EMBEDDED_PG_DATA_DIR || path.join(cwd, '.data', 'pgdata');
  if (!env.EMBEDDED_PG_DATA_DIR && process.getuid?.() === 0 && !traversableByOthers(path.dirname(dataDir))) {
    // As root the embedded cluster runs as "postgres", which cannot enter a private directory.
    // One directory per checkout: named after a hash of its whole path.
    const checkout = createHash('sha256').update(path.resolve(cwd)).digest('hex').slice(0, 16);
    dataDir = path.join(os.tmpdir(), `eldercare-${checkout}`, 'pgdata');
  }

  const needSecrets = ['PII_ENCRYPTION_KEY', 'PII_HASH_KEY', 'JWT_SECRET'].some((k) => !env[k]);
  if (production && needSecrets) {
    for (const k of ['PII_ENCRYPTION_KEY', 'PII_HASH_KEY', 'JWT_SECRET'])
      if (!env[k]) throw new ConfigError(k, 'is required when NODE_ENV=production');
  }
  const secrets = needSecrets && !production ? localSecrets(dataDir) : {};

  const piiEncryptionKey = base64Key(env, 'PII_ENCRYPTION_KEY', 32, () => secrets.PII_ENCRYPTION_KEY);
  if (Buffer.from(piiEncryptionKey, 'base64').length !== 32)
    throw new ConfigError('PII_ENCRYPTION_KEY', 'must be base64 of exactly 32 bytes');

  return {
    env: nodeEnv as AppConfig['env'],
    host: env.HOST || '0.0.0.0',
    port: int(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    dataDir,
    dbPoolSize: int(env, 'DB_POOL_SIZE', 20, 1, 500),
    dbPoolAcquireTimeoutMs: int(env, 'DB_POOL_ACQUIRE_TIMEOUT_MS', 5_000, 100, 120_000),
    workers: int(env, 'API_WORKERS', 1, 1, 64),
    piiEncryptionKey,
    piiHashKey: base64Key(env, 'PII_HASH_KEY', 32, () => secrets.PII_HASH_KEY),
    jwtSecret: base64Key(env, 'JWT_SECRET', 32, () => secrets.JWT_SECRET),
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 10, 86_400),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 365 * 86_400),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'warn' : 'info'),
    demoSeed: (env.DEMO_SEED ?? (production ? 'false' : 'true')) === 'true',
    authRateLimitPerMinute: int(env, 'AUTH_RATE_LIMIT_PER_MINUTE', 20, 1, 100_000),
    maxFailedLogins: int(env, 'MAX_FAILED_LOGINS', 5, 1, 100),
    lockoutMinutes: int(env, 'LOCKOUT_MINUTES', 15, 1, 1440),
    schedulerEnabled: bool(env, 'SCHEDULER_ENABLED', true),
    schedulerConcurrency: int(env, 'SCHEDULER_CONCURRENCY', 4, 1, 64),
    schedulerSafetyPollMs: int(env, 'SCHEDULER_SAFETY_POLL_MS', 5_000, 100, 600_000),
    schedulerMaxAttempts: int(env, 'SCHEDULER_MAX_ATTEMPTS', 8, 1, 100),
    dispatchAuto: bool(env, 'DISPATCH_AUTO', true),
    dispatchLeadMinutes: parsed('DISPATCH_LEAD_MINUTES', () => parseLeadMinutes(env.DISPATCH_LEAD_MINUTES)),
    dispatchConfig: parsed('DISPATCH_CONFIG', () => {
      const overrides = env.DISPATCH_CONFIG ? (JSON.parse(env.DISPATCH_CONFIG) as DispatchConfigOverrides) : {};
      dispatchConfig(overrides); // validates: a wrong or unknown setting names itself
      return overrides;
    }),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
