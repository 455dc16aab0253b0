import type { Certainty, SourceNote } from './types.js';

/** Shorthand for a source note (clause, certainty, reference source ids, optional note). */
export function src(clause: string, certainty: Certainty, sources: readonly string[], note?: string): SourceNote {
  return note === undefined ? { clause, certainty, sources } : { clause, certainty, sources, note };
}
