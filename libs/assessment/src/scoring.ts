import { AssessmentValidationError } from './assessment.errors.js';
import { isCalendarDate } from './calendar-date.js';
import { bandFor, decide } from './decision-table.js';
import { evaluateTrigger } from './triggers.js';
import type {
  AppliedAdjustment,
  AssessmentInput,
  AssessmentResult,
  DomainResult,
  GradeDef,
  LevelDef,
  RuleSet,
} from './types.js';
import { validateAssessment } from './validation.js';

export interface ScoreContext {
  /** Today (YYYY-MM-DD); when given, an assessment dated after it is rejected. */
  today?: string;
}

function levelDef(rs: RuleSet, value: number): LevelDef {
  const level = rs.levels.find((l) => l.value === value);
  if (!level) throw new RangeError(`${rs.id} has no level ${value}`);
  return level;
}

function gradeDef(rs: RuleSet, value: number): GradeDef {
  const grade = rs.grades.find((g) => g.value === value);
  if (!grade) throw new RangeError(`${rs.id} has no grade ${value}`);
  return grade;
}

function label(l: LevelDef): string {
  return `${l.value} ${l.zh}`;
}

/**
 * Scores one assessment: validates the input as a whole (throws AssessmentValidationError listing every
 * problem, never a partial result), derives the domain scores (and MZ/T 039 domain grades), the total,
 * the initial level, then the final level after the adjustment rules, explaining each step.
 */
export function scoreAssessment(rs: RuleSet, input: AssessmentInput, context: ScoreContext = {}): AssessmentResult {
  if (context.today !== undefined && !isCalendarDate(context.today)) {
    throw new RangeError(`today must be a calendar date YYYY-MM-DD: ${context.today}`);
  }
  const problems = validateAssessment(rs, input, context.today);
  if (problems.length > 0) throw new AssessmentValidationError(problems);

  const explanation: string[] = [];
  const items = input.items;
  const domains: DomainResult[] = rs.domains.map((d) => {
    const complete = d.items.every((it) => items[it.code] !== undefined);
    const score = complete ? d.items.reduce((s, it) => s + items[it.code], 0) : null;
    let grade: GradeDef | null = null;
    if (complete && d.grading?.kind === 'SCORE_BANDS') {
      const band = bandFor(d.grading.bands, score as number);
      if (band) grade = gradeDef(rs, band.value);
    } else if (complete && d.grading?.kind === 'ITEM_TABLE') {
      const row = decide(d.grading.table, (code) => items[code]);
      if (row) grade = gradeDef(rs, row.value);
    }
    const gradeText = grade
      ? `, grade ${grade.value} ${grade.zh} (${d.grading?.kind === 'ITEM_TABLE' ? 'rule table' : 'bands'})`
      : '';
    explanation.push(
      score === null
        ? `${d.zh} ${d.en}: not scored (items skipped)`
        : `${d.zh} ${d.en}: ${score}/${d.max}${d.direction === 'HIGHER_IS_WORSE' ? ' (higher is worse)' : ''}${gradeText}`,
    );
    return { code: d.code, zh: d.zh, en: d.en, score, max: d.max, direction: d.direction, grade };
  });

  let total: number | null = null;
  let initial: LevelDef | null = null;
  const lm = rs.levelMethod;
  if (lm.kind === 'TOTAL_BANDS') {
    if (domains.every((d) => d.score !== null)) {
      total = domains.reduce((s, d) => s + (d.score as number), 0);
      const band = bandFor(lm.bands, total);
      if (band) {
        initial = levelDef(rs, band.value);
        explanation.push(
          `total ${total}/${lm.maxTotal} is in ${band.min}–${band.max} (${band.source.clause}): initial level ${label(initial)}`,
        );
      }
    }
  } else if (domains.every((d) => d.grade !== null)) {
    const grades = new Map(domains.map((d) => [d.code, (d.grade as GradeDef).value]));
    const row = decide(lm.table, (code) => grades.get(code));
    if (row) {
      initial = levelDef(rs, row.value);
      explanation.push(
        `grades ${domains.map((d) => `${d.code} ${grades.get(d.code)}`).join(', ')} → ${row.source.clause}: initial level ${label(initial)}`,
      );
    }
  }
  if (!initial) explanation.push('no initial level: items were skipped');

  // Raises first (on the initial level), then levels set directly (which never lower a worse level).
  const adjustments: AppliedAdjustment[] = [];
  const top = rs.levels[rs.levels.length - 1].value;
  let current: number | null = initial ? initial.value : null;
  let raised = 0;
  const groupsUsed = new Map<string, string>();
  const triggered = rs.adjustments.rules
    .map((rule) => ({ rule, outcome: evaluateTrigger(rule.trigger, input) }))
    .filter((t) => t.outcome.holds);
  for (const { rule, outcome } of triggered) {
    if (rule.effect.kind !== 'RAISE') continue;
    const from = current;
    let why: string;
    let step = 0;
    if (from === null) why = 'not applied: no initial level';
    else if (groupsUsed.has(rule.effect.group))
      why = `not applied: same rule group as ${groupsUsed.get(rule.effect.group)}`;
    else if (rs.adjustments.maxTotalRaise !== null && raised >= rs.adjustments.maxTotalRaise) {
      why = `not applied: raises are capped at ${rs.adjustments.maxTotalRaise} level(s) in total`;
    } else if (from >= top) why = 'not applied: already the top level';
    else {
      const room = rs.adjustments.maxTotalRaise === null ? Infinity : rs.adjustments.maxTotalRaise - raised;
      step = Math.min(rule.effect.levels, room, top - from);
      why = `raised ${step} level(s)`;
    }
    if (step > 0 && from !== null) {
      current = from + step;
      raised += step;
      groupsUsed.set(rule.effect.group, rule.id);
    }
    const toLevel = current ?? 0;
    adjustments.push({
      ruleId: rule.id,
      zh: rule.zh,
      en: rule.en,
      effect: rule.effect,
      applied: step > 0,
      fromLevel: from,
      toLevel,
      evidence: outcome.evidence,
      source: rule.source,
    });
    explanation.push(`${rule.id} (${outcome.evidence}; ${rule.source.clause}): ${why}`);
  }
  for (const { rule, outcome } of triggered) {
    if (rule.effect.kind !== 'SET_LEVEL') continue;
    const from = current;
    const applied = from === null || rule.effect.level > from;
    if (applied) current = rule.effect.level;
    adjustments.push({
      ruleId: rule.id,
      zh: rule.zh,
      en: rule.en,
      effect: rule.effect,
      applied,
      fromLevel: from,
      toLevel: current as number,
      evidence: outcome.evidence,
      source: rule.source,
    });
    explanation.push(
      `${rule.id} (${outcome.evidence}; ${rule.source.clause}): ` +
        (applied
          ? `level set to ${label(levelDef(rs, rule.effect.level))}`
          : 'not applied: the level is already as high'),
    );
  }
  // Validation guarantees a level: items are only skipped when a SET_LEVEL rule holds.
  const finalLevel = levelDef(rs, current as number);
  explanation.push(`final level ${label(finalLevel)} (${finalLevel.en})`);

  return {
    ruleSet: { id: rs.id, version: rs.version, options: rs.options },
    reason: input.reason,
    assessors: [...input.assessors],
    assessedOn: input.assessedOn,
    domains,
    total,
    initialLevel: initial,
    finalLevel,
    adjustments,
    explanation,
  };
}
