/**
 * Internal consistency of rule data, checked when a rule set is built (a contradiction is a
 * programming or configuration error, so `defineRuleSet` throws instead of scoring wrongly later).
 *
 * It proves, among others: each domain maximum equals the sum of its item maxima; the total maximum
 * equals the sum of the domain maxima; every score that the items can actually produce falls in exactly
 * one band; and every combination of inputs matches some row of each decision table.
 */
import { AssessmentError, AssessmentErrorCode } from './assessment.errors.js';
import { bandFor, rowMatches, type Lookup } from './decision-table.js';
import type { Band, DecisionTable, ItemDef, RuleSet } from './types.js';

/** Every sum the items can produce (a Minkowski sum of their option points). */
export function reachableSums(items: readonly ItemDef[]): number[] {
  let sums = new Set<number>([0]);
  for (const item of items) {
    const next = new Set<number>();
    for (const s of sums) for (const p of item.points) next.add(s + p);
    sums = next;
  }
  return [...sums].sort((a, b) => a - b);
}

const MAX_ENUMERATION = 200_000;

/** Every assignment of `domain[subject]` over the given value lists (cartesian product). */
function* assignments(subjects: readonly string[], values: (s: string) => readonly number[]): Generator<Lookup> {
  const lists = subjects.map(values);
  const index = lists.map(() => 0);
  if (lists.some((l) => l.length === 0)) return;
  while (true) {
    const current = new Map(subjects.map((s, i) => [s, lists[i][index[i]]]));
    yield (s) => current.get(s);
    let k = subjects.length - 1;
    while (k >= 0 && ++index[k] === lists[k].length) index[k--] = 0;
    if (k < 0) return;
  }
}

function checkBands(
  where: string,
  bands: readonly Band[],
  reachable: readonly number[],
  values: Set<number>,
): string[] {
  const problems: string[] = [];
  for (const b of bands) {
    if (!(Number.isInteger(b.min) && Number.isInteger(b.max) && b.min <= b.max)) {
      problems.push(`${where}: band [${b.min}, ${b.max}] is not an integer interval`);
    }
    if (!values.has(b.value)) problems.push(`${where}: band [${b.min}, ${b.max}] maps to unknown value ${b.value}`);
  }
  for (const s of reachable) {
    const n = bands.filter((b) => s >= b.min && s <= b.max).length;
    if (n !== 1) problems.push(`${where}: reachable score ${s} falls in ${n} bands`);
  }
  return problems;
}

function checkTable(
  where: string,
  table: DecisionTable,
  subjects: readonly string[],
  subjectValues: (s: string) => readonly number[],
  values: Set<number>,
): string[] {
  const problems: string[] = [];
  const known = new Set(subjects);
  for (const row of table.rows) {
    if (!values.has(row.value)) problems.push(`${where}: row maps to unknown value ${row.value}`);
    for (const conjunction of row.anyOf) {
      for (const p of conjunction) {
        for (const s of p.of) if (!known.has(s)) problems.push(`${where}: row refers to unknown subject ${s}`);
        if (typeof p.quantifier === 'object' && !(p.quantifier.count[0] <= p.quantifier.count[1])) {
          problems.push(`${where}: count quantifier [${p.quantifier.count.join(', ')}] is empty`);
        }
      }
    }
  }
  const combinations = subjects.reduce((n, s) => n * subjectValues(s).length, 1);
  if (combinations > MAX_ENUMERATION) return problems;
  for (const lookup of assignments(subjects, subjectValues)) {
    if (!table.rows.some((row) => rowMatches(row, lookup))) {
      problems.push(`${where}: no row matches ${subjects.map((s) => `${s}=${lookup(s)}`).join(', ')}`);
      if (problems.length > 20) break;
    }
  }
  return problems;
}

/** Every contradiction in the rule data; empty when it is consistent. */
export function checkRuleSet(rs: RuleSet): string[] {
  const problems: string[] = [];
  if (!rs.id || !rs.version) problems.push('id and version are required');

  const levelValues = new Set(rs.levels.map((l) => l.value));
  rs.levels.forEach((l, i) => l.value !== i && problems.push(`levels: value ${l.value} at position ${i}`));
  rs.grades.forEach((g, i) => g.value !== i && problems.push(`grades: value ${g.value} at position ${i}`));
  const gradeValues = new Set(rs.grades.map((g) => g.value));

  const items = new Map<string, ItemDef>();
  const domainCodes = new Set<string>();
  for (const d of rs.domains) {
    if (domainCodes.has(d.code)) problems.push(`domain ${d.code} is defined twice`);
    domainCodes.add(d.code);
    for (const it of d.items) {
      if (items.has(it.code)) problems.push(`item ${it.code} is defined twice`);
      items.set(it.code, it);
      const pts = it.points;
      const ok =
        pts.length > 0 &&
        pts.every((p) => Number.isInteger(p) && p >= 0) &&
        pts.every((p, i) => i === 0 || p < pts[i - 1]);
      if (!ok) problems.push(`item ${it.code}: points must be distinct non-negative integers, descending`);
    }
    const sumOfMaxima = d.items.reduce((s, it) => s + (it.points[0] ?? 0), 0);
    if (sumOfMaxima !== d.max) problems.push(`domain ${d.code}: max ${d.max} but its items add up to ${sumOfMaxima}`);
    if (d.grading?.kind === 'SCORE_BANDS') {
      problems.push(...checkBands(`domain ${d.code} grading`, d.grading.bands, reachableSums(d.items), gradeValues));
    } else if (d.grading?.kind === 'ITEM_TABLE') {
      const codes = d.items.map((it) => it.code);
      problems.push(
        ...checkTable(
          `domain ${d.code} grading`,
          d.grading.table,
          codes,
          (c) => items.get(c)?.points ?? [],
          gradeValues,
        ),
      );
    }
  }

  const lm = rs.levelMethod;
  if (lm.kind === 'TOTAL_BANDS') {
    const sum = rs.domains.reduce((s, d) => s + d.max, 0);
    if (sum !== lm.maxTotal) problems.push(`total: max ${lm.maxTotal} but the domains add up to ${sum}`);
    problems.push(...checkBands('total bands', lm.bands, reachableSums([...items.values()]), levelValues));
    if (!bandFor(lm.bands, lm.maxTotal)) problems.push('total bands: the maximum total has no band');
  } else {
    const graded = rs.domains.filter((d) => d.grading).map((d) => d.code);
    if (graded.length !== rs.domains.length) problems.push('domain grade table: every domain needs a grading');
    problems.push(...checkTable('level table', lm.table, graded, () => rs.grades.map((g) => g.value), levelValues));
  }

  const conditions = new Map(rs.conditions.map((c) => [c.key, c]));
  if (conditions.size !== rs.conditions.length) problems.push('condition keys must be unique');
  const ruleIds = new Set<string>();
  for (const rule of rs.adjustments.rules) {
    const where = `adjustment ${rule.id}`;
    if (ruleIds.has(rule.id)) problems.push(`${where} is defined twice`);
    ruleIds.add(rule.id);
    const t = rule.trigger;
    const needCondition = (key: string, kind: string) => {
      const c = conditions.get(key);
      if (!c || c.kind !== kind) problems.push(`${where}: needs a ${kind} condition "${key}"`);
      return c;
    };
    const needItem = (code: string, values: readonly number[]) => {
      const it = items.get(code);
      if (!it) problems.push(`${where}: unknown item ${code}`);
      else if (!values.every((v) => it.points.includes(v))) problems.push(`${where}: ${code} cannot score ${values}`);
    };
    switch (t.kind) {
      case 'CONDITION_TRUE':
        needCondition(t.condition, 'BOOLEAN');
        if (t.impliesItem) needItem(t.impliesItem.item, t.impliesItem.in);
        break;
      case 'ITEM_POINTS':
        needItem(t.item, t.in);
        break;
      case 'DIAGNOSIS':
        needCondition(t.condition, 'DIAGNOSES');
        for (const [from, to] of t.ranges) {
          if (!ICD_CATEGORY.test(from) || !ICD_CATEGORY.test(to) || from > to) {
            problems.push(`${where}: bad ICD-10 range ${from}–${to}`);
          }
        }
        break;
      case 'CHOICE_AT_LEAST':
        needCondition(t.condition, 'CHOICE');
        break;
      case 'ANY_SELECTED':
        needCondition(t.condition, 'MULTI_CHOICE');
        break;
      case 'EVENT_COUNT': {
        const c = needCondition(t.condition, 'EVENT_COUNTS');
        if (c?.kind === 'EVENT_COUNTS') {
          for (const type of t.types) {
            if (!c.types.some((x) => x.code === type)) problems.push(`${where}: unknown event type ${type}`);
          }
        }
        if (!(Number.isInteger(t.threshold) && t.threshold >= 1)) problems.push(`${where}: threshold must be ≥ 1`);
        break;
      }
    }
    if (rule.effect.kind === 'SET_LEVEL' && !levelValues.has(rule.effect.level)) {
      problems.push(`${where}: sets unknown level ${rule.effect.level}`);
    }
    if (rule.effect.kind === 'RAISE' && !(Number.isInteger(rule.effect.levels) && rule.effect.levels >= 1)) {
      problems.push(`${where}: raise must be a positive integer`);
    }
  }
  const cap = rs.adjustments.maxTotalRaise;
  if (cap !== null && !(Number.isInteger(cap) && cap >= 0)) problems.push('maxTotalRaise must be null or ≥ 0');

  if (new Set(rs.reasons.map((r) => r.code)).size !== rs.reasons.length) problems.push('reason codes must be unique');
  if (!(Number.isInteger(rs.assessors.required) && rs.assessors.required >= 1)) {
    problems.push('assessors.required must be a positive integer');
  }
  const months = [rs.reassessment.intervalMonths, ...Object.values(rs.reassessment.byLevel)];
  if (!months.every((m) => Number.isInteger(m) && (m as number) >= 1)) {
    problems.push('re-assessment intervals must be positive whole months');
  }
  for (const level of Object.keys(rs.reassessment.byLevel)) {
    if (!levelValues.has(Number(level))) problems.push(`re-assessment interval for unknown level ${level}`);
  }
  return problems;
}

/** An ICD-10 category: a letter and two digits (F00). */
export const ICD_CATEGORY = /^[A-Z]\d{2}$/;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Checks and freezes rule data; throws RULE_SET_INCONSISTENT listing every contradiction. */
export function defineRuleSet(rs: RuleSet): RuleSet {
  const problems = checkRuleSet(rs);
  if (problems.length > 0) {
    throw new AssessmentError(
      AssessmentErrorCode.RULE_SET_INCONSISTENT,
      `rule set ${rs.id}@${rs.version} is inconsistent: ${problems.join('; ')}`,
      { problems },
    );
  }
  return deepFreeze(rs);
}
