import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_KEYS } from './fixtures.js';

export interface ChildApi {
  child: ChildProcess;
  /** Everything the child printed so far (stdout). */
  output(): string;
  /** Resolves once the child printed `READY`; rejects when it exits first (with its stderr). */
  ready: Promise<void>;
  /** The signal it was ended by (null: it exited by itself). */
  exited: Promise<NodeJS.Signals | null>;
}

/**
 * Starts one of the `test/support/*-child.mjs` scripts as a separate process on the test's database
 * (compiled code in dist/), for tests that kill an API process with SIGKILL in the middle of its work.
 */
export function startChildApi(script: string, databaseUrl: string, timeoutMs = 30_000): ChildApi {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`./${script}`, import.meta.url))], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, ...TEST_KEYS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (out.includes('READY')) {
        clearInterval(poll);
        resolve();
      } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`the child API did not start: ${err.slice(0, 2_000)}`));
      }
    }, 20);
  });
  return { child, output: () => out, ready, exited };
}
