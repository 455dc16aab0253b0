import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from './config/config.js';
import { describeDataDir } from './database.js';

const KEYS = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  PII_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
  JWT_SECRET: Buffer.alloc(48, 3).toString('base64'),
};

describe('describeDataDir (the start banner says where the data is)', () => {
  const cwd = '/srv/eldercare';
  const config = (dataDir: string) => ({ dataDir }) as AppConfig;

  it('names the default .data/pgdata as it is', () => {
    expect(describeDataDir(config('/srv/eldercare/.data/pgdata'), {}, cwd)).toBe('/srv/eldercare/.data/pgdata');
  });

  it('names a directory chosen with EMBEDDED_PG_DATA_DIR as it is', () => {
    expect(describeDataDir(config('/var/lib/eldercare'), { EMBEDDED_PG_DATA_DIR: '/var/lib/eldercare' }, cwd)).toBe(
      '/var/lib/eldercare',
    );
  });

  it('says why the data is not in .data/ when the configuration moved it, and how to choose', () => {
    expect(describeDataDir(config('/tmp/eldercare-abc/pgdata'), {}, cwd)).toBe(
      '/tmp/eldercare-abc/pgdata, not in .data/: as root PostgreSQL runs as the "postgres" user, ' +
        'which cannot enter /srv/eldercare; set EMBEDDED_PG_DATA_DIR to keep it elsewhere',
    );
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? describe : describe.skip)('as root in a private checkout', () => {
    const priv = mkdtempSync(path.join(os.tmpdir(), 'eldercare-private-spec-'));
    const app = path.join(priv, 'app');
    mkdirSync(app);
    const c = loadConfig({ ...KEYS }, app);
    afterAll(() => {
      rmSync(priv, { recursive: true, force: true });
      rmSync(path.dirname(c.dataDir), { recursive: true, force: true });
    });

    it('the data lives under the temp dir and the banner says so', () => {
      expect(c.dataDir.startsWith(os.tmpdir())).toBe(true);
      expect(describeDataDir(c, {}, app)).toMatch(/not in \.data\/: as root .* cannot enter .*\/app; set EMBEDDED/);
    });
  });
});
