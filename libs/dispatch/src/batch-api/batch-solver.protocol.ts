import type { BatchInput, BatchResult } from '../batch/batch-types.js';
import type { DispatchConfig } from '../config.js';

/**
 * Messages between the API thread and the batch solver's worker thread. Both directions are copied
 * with the structured clone algorithm, so `Date`s in the input arrive as `Date`s. The travel model
 * is rebuilt in the worker from `config.speedModel` (a model object cannot cross threads).
 */
export interface SolveRequest {
  id: number;
  input: BatchInput;
  config: DispatchConfig;
}

export type SolveReply =
  { id: number; ok: true; result: BatchResult; solveMs: number } | { id: number; ok: false; error: string };
