/**
 * The batch solver's worker thread: `planBatch` (building the model, greedy, HiGHS) runs here, so the
 * API's event loop keeps serving requests while HiGHS (WebAssembly, single-threaded, up to ~1.5 s)
 * works. Started by BatchSolverThread from the compiled file (dist/…/batch-solver.worker.js) — also
 * under Jest, which cannot load TypeScript into a worker; it imports only the pure batch core.
 * HiGHS is loaded once per thread; requests are solved one after another.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { loadBatchSolver, planBatch } from '../batch/batch-solve.js';
import { StraightLineTravelTime } from '../travel-time.js';
import type { SolveReply, SolveRequest } from './batch-solver.protocol.js';

const port = parentPort;
if (!port) throw new Error('batch-solver.worker.js runs as a worker thread (node:worker_threads)');
const highs = loadBatchSolver();

port.on('message', (msg: SolveRequest) => {
  void (async (): Promise<SolveReply> => {
    try {
      const solver = await highs;
      const t0 = performance.now();
      const result = await planBatch(msg.input, msg.config, new StraightLineTravelTime(msg.config.speedModel), solver);
      return { id: msg.id, ok: true, result, solveMs: Math.round(performance.now() - t0) };
    } catch (err) {
      return { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  })().then((reply) => port.postMessage(reply));
});
