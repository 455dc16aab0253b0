import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { BatchInput, BatchResult } from '../batch/batch-types.js';
import type { DispatchConfig } from '../config.js';
import { BatchError, BatchErrorCode } from './batch-api.errors.js';
import type { SolveReply, SolveRequest } from './batch-solver.protocol.js';

const WORKER_FILE = 'batch-solver.worker.js';
const HERE = '/libs/dispatch/src/batch-api/';

/**
 * Where the compiled worker script is. Running compiled (production: dist/…/batch-solver.thread.js)
 * it is the sibling file; running from the TypeScript source (Jest, with the "source" condition) it
 * is the same file under dist/ — a worker thread is plain Node and cannot load TypeScript, and
 * `npm test` builds dist/ first (pretest).
 */
export function compiledWorkerUrl(moduleUrl: string): URL {
  if (moduleUrl.endsWith('.js')) return new URL(`./${WORKER_FILE}`, moduleUrl);
  const at = moduleUrl.lastIndexOf(HERE);
  if (at < 0) throw new Error(`batch solver: cannot locate the compiled worker from ${moduleUrl}`);
  return new URL(`${moduleUrl.slice(0, at)}/dist${HERE}${WORKER_FILE}`);
}

export interface BatchSolverOptions {
  /** Plans waiting for the thread (besides the one being solved) before SOLVER_BUSY (503). */
  maxQueued?: number;
  /** A plan not back after this long fails (SOLVER_FAILED) and the thread is restarted. */
  timeoutMs?: number;
  /** The worker script (default: compiledWorkerUrl of this module). */
  workerUrl?: URL;
}
export const BATCH_SOLVER_OPTIONS = Symbol('BATCH_SOLVER_OPTIONS');

export interface SolvedBatch {
  result: BatchResult;
  /** planBatch's own time in the worker. */
  solveMs: number;
  /** From the call to the answer: queueing, copying both ways, solving. */
  wallMs: number;
  /** The worker thread's id (never 0, the main thread's). */
  threadId: number;
}

interface Pending {
  resolve(v: SolvedBatch): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  startedAt: number;
}

/**
 * One long-lived worker thread that runs `planBatch` off the API's event loop. Started on the first
 * plan (so instances that never plan pay nothing), kept for the next ones, unref'd (it never keeps
 * the process alive) and terminated with the application. Plans are solved one at a time in arrival
 * order; more than `maxQueued` waiting → SOLVER_BUSY; a thread that errs, exits or overruns the
 * timeout fails the plans it holds (SOLVER_FAILED) and is replaced on the next plan. There is no
 * in-process fallback: solving on the event loop is what this class exists to prevent.
 */
@Injectable()
export class BatchSolverThread implements OnModuleDestroy {
  private readonly logger = new Logger('BatchSolverThread');
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private readonly workerUrl: URL;
  /** Plans the worker thread has answered since start (diagnostics and tests). */
  solved = 0;
  /** Worker threads started since start. */
  started = 0;

  constructor(@Optional() @Inject(BATCH_SOLVER_OPTIONS) options?: BatchSolverOptions) {
    this.maxQueued = options?.maxQueued ?? 4;
    this.timeoutMs = options?.timeoutMs ?? 60_000;
    this.workerUrl = options?.workerUrl ?? compiledWorkerUrl(import.meta.url);
  }

  /** Plans the batch in the worker thread: the optimised plan and greedy's, as `planBatch` returns them. */
  solve(input: BatchInput, config: DispatchConfig): Promise<SolvedBatch> {
    if (this.pending.size > this.maxQueued)
      return Promise.reject(
        new BatchError(BatchErrorCode.SOLVER_BUSY, 'the batch solver is busy with other plans: retry shortly', {
          retryAfterSeconds: 5,
        }),
      );
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<SolvedBatch>((resolve, reject) => {
      const timer = setTimeout(() => {
        // the thread is stuck in a solve: replace it (the plans it holds are lost)
        if (this.worker === worker) this.worker = undefined;
        this.fail(
          new BatchError(BatchErrorCode.SOLVER_FAILED, `the batch solver did not answer within ${this.timeoutMs} ms`),
        );
        void worker.terminate();
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer, startedAt: performance.now() });
      worker.postMessage({ id, input, config } satisfies SolveRequest);
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.fail(new BatchError(BatchErrorCode.SOLVER_FAILED, 'the application is shutting down'));
    await worker?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const path = fileURLToPath(this.workerUrl);
    if (!existsSync(path))
      throw new Error(`batch solver: the compiled worker ${path} is missing — build first (npm run build)`);
    const worker = new Worker(this.workerUrl);
    worker.unref();
    this.started += 1;
    worker.on('message', (reply: SolveReply) => this.answer(reply, worker.threadId));
    worker.on('error', (err) => {
      this.logger.error(`batch solver thread failed: ${err.message}`);
      if (this.worker === worker) this.worker = undefined;
      this.fail(new BatchError(BatchErrorCode.SOLVER_FAILED, 'the batch solver failed: retry'));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.pending.size)
        this.fail(new BatchError(BatchErrorCode.SOLVER_FAILED, `the batch solver stopped (exit code ${code}): retry`));
    });
    this.worker = worker;
    return worker;
  }

  private answer(reply: SolveReply, threadId: number): void {
    const p = this.pending.get(reply.id);
    if (!p) return; // timed out meanwhile
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    this.solved += 1;
    if (!reply.ok) {
      this.logger.error(`batch solver: ${reply.error}`);
      p.reject(new BatchError(BatchErrorCode.SOLVER_FAILED, 'the batch solver could not plan this batch'));
      return;
    }
    p.resolve({
      result: reply.result,
      solveMs: reply.solveMs,
      wallMs: Math.round(performance.now() - p.startedAt),
      threadId,
    });
  }

  /** Fails every plan in flight (the thread is gone or stuck). */
  private fail(err: BatchError): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}
