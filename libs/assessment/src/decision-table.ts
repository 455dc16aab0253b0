import type { Band, DecisionRow, DecisionTable, Predicate } from './types.js';

/** The value of a subject (an item code or a domain code); undefined when it is not known. */
export type Lookup = (subject: string) => number | undefined;

export function predicateHolds(predicate: Predicate, lookup: Lookup): boolean {
  const values = predicate.of.map(lookup);
  if (values.some((v) => v === undefined)) return false;
  const hits = values.filter((v) => predicate.in.includes(v as number)).length;
  const q = predicate.quantifier;
  if (q === 'ALL') return hits === values.length;
  if (q === 'ANY') return hits > 0;
  return hits >= q.count[0] && hits <= q.count[1];
}

export function rowMatches(row: DecisionRow, lookup: Lookup): boolean {
  return row.anyOf.some((conjunction) => conjunction.every((predicate) => predicateHolds(predicate, lookup)));
}

/** The row that decides, or undefined when no row matches. */
export function decide(table: DecisionTable, lookup: Lookup): DecisionRow | undefined {
  let chosen: DecisionRow | undefined;
  for (const row of table.rows) {
    if (!rowMatches(row, lookup)) continue;
    if (table.resolution === 'FIRST_MATCH') return row;
    if (!chosen || row.value > chosen.value) chosen = row;
  }
  return chosen;
}

export function bandFor(bands: readonly Band[], score: number): Band | undefined {
  return bands.find((b) => score >= b.min && score <= b.max);
}
