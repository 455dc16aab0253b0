import { afterAll, describe, expect, it } from '@jest/globals';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  blockedDirectory,
  cachedBinaries,
  EmbeddedPostgresError,
  packagedBinaries,
  startEmbeddedPostgres,
} from './embedded-postgres.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'eldercare-pgcache-spec-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(root, `${name}-${++n}`);

/** A small stand-in for the package's native/ directory: bin/, lib/ with a symbolic link, share/. */
function fakeInstallation(): string {
  const dir = fresh('src');
  mkdirSync(path.join(dir, 'bin'), { recursive: true, mode: 0o700 });
  mkdirSync(path.join(dir, 'lib'), { mode: 0o700 });
  mkdirSync(path.join(dir, 'share', 'timezone'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'bin', 'postgres'), '#!/bin/sh\necho postgres 1\n', { mode: 0o700 });
  writeFileSync(path.join(dir, 'bin', 'initdb'), '#!/bin/sh\necho initdb\n', { mode: 0o700 });
  writeFileSync(path.join(dir, 'lib', 'libpq.so.5.18'), 'ELF', { mode: 0o600 });
  symlinkSync('libpq.so.5.18', path.join(dir, 'lib', 'libpq.so.5'));
  writeFileSync(path.join(dir, 'share', 'timezone', 'UTC'), 'TZif', { mode: 0o600 });
  return dir;
}

const mode = (p: string) => statSync(p).mode & 0o777;
const entries = (dir: string) => readdirSync(dir).sort();

describe('cachedBinaries (the copy root runs PostgreSQL from)', () => {
  it('copies once, readable and runnable by every user, links kept', async () => {
    const src = fakeInstallation();
    const cache = fresh('cache');
    const dir = await cachedBinaries(src, '18.4.0-beta.17', cache);
    expect(path.dirname(dir)).toBe(cache);
    expect(path.basename(dir)).toMatch(/^18\.4\.0-beta\.17-[0-9a-f]{16}$/);
    expect(mode(cache)).toBe(0o755);
    for (const d of ['', 'bin', 'lib', 'share', 'share/timezone']) expect(mode(path.join(dir, d))).toBe(0o755);
    expect(mode(path.join(dir, 'bin', 'postgres'))).toBe(0o755);
    expect(mode(path.join(dir, 'bin', 'initdb'))).toBe(0o755);
    expect(mode(path.join(dir, 'lib', 'libpq.so.5.18'))).toBe(0o644);
    expect(mode(path.join(dir, 'share', 'timezone', 'UTC'))).toBe(0o644);
    expect(readlinkSync(path.join(dir, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(readFileSync(path.join(dir, 'bin', 'postgres'), 'utf8')).toContain('postgres 1');

    // Reused as it is: a file put into the copy survives the next call, nothing else appears.
    writeFileSync(path.join(dir, 'marker'), 'x');
    expect(await cachedBinaries(src, '18.4.0-beta.17', cache)).toBe(dir);
    expect(existsSync(path.join(dir, 'marker'))).toBe(true);
    expect(entries(cache)).toEqual([path.basename(dir)]);
  });

  it('makes a new copy when the package version or the binaries change', async () => {
    const src = fakeInstallation();
    const cache = fresh('cache');
    const first = await cachedBinaries(src, '18.4.0-beta.17', cache);
    const upgraded = await cachedBinaries(src, '18.5.0-beta.18', cache);
    expect(upgraded).not.toBe(first);
    expect(path.basename(upgraded)).toMatch(/^18\.5\.0-beta\.18-/);

    // Same version, same size, other content (a rebuilt binary): another copy with the new content.
    writeFileSync(path.join(src, 'bin', 'postgres'), '#!/bin/sh\necho postgres 2\n');
    const rebuilt = await cachedBinaries(src, '18.5.0-beta.18', cache);
    expect(rebuilt).not.toBe(upgraded);
    expect(readFileSync(path.join(rebuilt, 'bin', 'postgres'), 'utf8')).toContain('postgres 2');
  });

  it('replaces a copy that lost files (temp-dir cleaners)', async () => {
    const src = fakeInstallation();
    const cache = fresh('cache');
    const dir = await cachedBinaries(src, '1.0.0', cache);
    unlinkSync(path.join(dir, 'share', 'timezone', 'UTC'));
    expect(await cachedBinaries(src, '1.0.0', cache)).toBe(dir);
    expect(readFileSync(path.join(dir, 'share', 'timezone', 'UTC'), 'utf8')).toBe('TZif');
    expect(entries(cache)).toEqual([path.basename(dir)]);
  });

  it('two concurrent calls end with one complete copy and no leftovers', async () => {
    const src = fakeInstallation();
    const cache = fresh('cache');
    const [a, b, c] = await Promise.all([
      cachedBinaries(src, '1.0.0', cache),
      cachedBinaries(src, '1.0.0', cache),
      cachedBinaries(src, '1.0.0', cache),
    ]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(entries(cache)).toEqual([path.basename(a)]);
    expect(entries(path.join(a, 'bin'))).toEqual(['initdb', 'postgres']);
    expect(lstatSync(path.join(a, 'lib', 'libpq.so.5')).isSymbolicLink()).toBe(true);
  });

  it('removes copies abandoned by killed processes (older than an hour), not ones in progress', async () => {
    const cache = fresh('cache');
    mkdirSync(path.join(cache, '.tmp-1-dead', 'bin'), { recursive: true });
    mkdirSync(path.join(cache, '.tmp-2-busy'), { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(path.join(cache, '.tmp-1-dead'), twoHoursAgo, twoHoursAgo);
    const dir = await cachedBinaries(fakeInstallation(), '1.0.0', cache);
    expect(entries(cache)).toEqual(['.tmp-2-busy', path.basename(dir)]);
  });

  it('refuses a cache directory that other users can write to', async () => {
    const cache = fresh('cache');
    mkdirSync(cache);
    chmodSync(cache, 0o777);
    const err = await cachedBinaries(fakeInstallation(), '1.0.0', cache).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddedPostgresError);
    expect((err as Error).message).toMatch(/is not a directory owned by this user.*: remove it/);
  });
});

describe('blockedDirectory (can the "postgres" user get there?)', () => {
  const stranger = { uid: 424_242, gid: 424_242, groups: [424_242] };

  it('names the first directory without the execute bit for that user', () => {
    const priv = fresh('private');
    mkdirSync(path.join(priv, 'app', '.data'), { recursive: true });
    chmodSync(priv, 0o700);
    expect(blockedDirectory(path.join(priv, 'app', '.data'), stranger)).toBe(priv);
    chmodSync(priv, 0o711);
    expect(blockedDirectory(path.join(priv, 'app', '.data'), stranger)).toBeUndefined();
  });

  it('uses the owner and group bits for the owner and group', () => {
    const dir = fresh('own');
    mkdirSync(dir);
    chmodSync(dir, 0o700);
    const st = statSync(dir);
    expect(blockedDirectory(dir, { uid: st.uid, gid: 1, groups: [] })).toBeUndefined();
    chmodSync(dir, 0o710);
    expect(blockedDirectory(dir, { uid: 424_242, gid: 7, groups: [st.gid] })).toBeUndefined();
    expect(blockedDirectory(dir, stranger)).toBe(dir);
  });

  it('accepts directories that do not exist yet (they are created 0755)', () => {
    expect(blockedDirectory(path.join(root, 'not', 'yet'), stranger)).toBeUndefined();
  });
});

describe('packagedBinaries', () => {
  it('finds the binaries of the installed platform package and its version', async () => {
    const b = await packagedBinaries();
    expect(existsSync(path.join(b.dir, 'bin', 'postgres'))).toBe(true);
    expect(existsSync(path.join(b.dir, 'share'))).toBe(true);
    expect(b.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('startEmbeddedPostgres', () => {
  it('a second start on a running data directory fails with one sentence; stop leaves no server', async () => {
    const dir = fresh('cluster');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const dataDir = path.join(dir, 'pgdata');
    const db = await startEmbeddedPostgres({ dataDir, database: 'spec' });
    try {
      const err = await startEmbeddedPostgres({ dataDir, database: 'spec' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EmbeddedPostgresError);
      expect((err as Error).message).toBe(
        `another PostgreSQL is already running on ${dataDir} (is another \`npm start\` running?): ` +
          'stop it, or set EMBEDDED_PG_DATA_DIR to another directory',
      );
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      expect((await client.query('SELECT current_database() AS db')).rows[0]).toEqual({ db: 'spec' });
      await client.end();
    } finally {
      await db.stop();
    }
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? it : it.skip)('as root, a data directory "postgres" cannot reach fails with one sentence', async () => {
    const priv = fresh('private');
    mkdirSync(priv, { mode: 0o700 });
    chmodSync(priv, 0o700);
    const err = await startEmbeddedPostgres({ dataDir: path.join(priv, 'app', 'pgdata'), database: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EmbeddedPostgresError);
    expect((err as Error).message).toBe(
      `running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${priv}: ` +
        'set EMBEDDED_PG_DATA_DIR to a directory it can reach (e.g. /var/tmp/eldercare/pgdata), or set DATABASE_URL',
    );
  });
});
