import type { AssessmentProblem } from './assessment.errors.js';
import { isCalendarDate } from './calendar-date.js';
import { evaluateTrigger, isIcd10 } from './triggers.js';
import type { AssessmentInput, ConditionDef, RuleSet } from './types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function conditionProblems(def: ConditionDef, value: unknown): AssessmentProblem[] {
  const path = `conditions.${def.key}`;
  const bad = (message: string, allowed?: readonly (number | string)[]): AssessmentProblem[] => [
    allowed ? { code: 'INVALID_CONDITION', path, message, allowed } : { code: 'INVALID_CONDITION', path, message },
  ];
  switch (def.kind) {
    case 'BOOLEAN':
      return typeof value === 'boolean' ? [] : bad(`${def.formField} ${def.zh} must be true or false`);
    case 'CHOICE':
      return typeof value === 'number' && def.options.includes(value)
        ? []
        : bad(`${def.formField} ${def.zh} must be one of ${def.options.join(', ')}`, def.options);
    case 'MULTI_CHOICE': {
      const ok =
        Array.isArray(value) &&
        value.every((v) => typeof v === 'number' && def.options.includes(v)) &&
        new Set(value).size === value.length;
      return ok
        ? []
        : bad(`${def.formField} ${def.zh} must be a list of distinct options from ${def.options}`, def.options);
    }
    case 'DIAGNOSES': {
      if (!Array.isArray(value)) return bad(`${def.formField} ${def.zh} must be a list of { icd10, psychiatrist? }`);
      return (value as unknown[]).flatMap((d, i): AssessmentProblem[] => {
        const ok =
          isRecord(d) &&
          isIcd10(d.icd10) &&
          (d.psychiatrist === undefined || typeof d.psychiatrist === 'boolean') &&
          Object.keys(d).every((k) => k === 'icd10' || k === 'psychiatrist');
        return ok
          ? []
          : [
              {
                code: 'INVALID_CONDITION',
                path: `${path}[${i}]`,
                message: 'a diagnosis is { icd10: "F03" or "F03.9", psychiatrist?: boolean }',
              },
            ];
      });
    }
    case 'EVENT_COUNTS': {
      if (!isRecord(value)) return bad(`${def.formField} ${def.zh} must map event types to counts`);
      const types = def.types.map((t) => t.code);
      const allowedCounts = Array.from({ length: def.maxCount + 1 }, (_, i) => i);
      return Object.entries(value).flatMap(([type, n]): AssessmentProblem[] => {
        if (!types.includes(type)) {
          return [
            { code: 'INVALID_CONDITION', path: `${path}.${type}`, message: 'unknown event type', allowed: types },
          ];
        }
        if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= def.maxCount) return [];
        return [
          {
            code: 'INVALID_CONDITION',
            path: `${path}.${type}`,
            message: `count must be 0…${def.maxCount} (${def.maxCount} = ${def.maxCount} or more)`,
            allowed: allowedCounts,
          },
        ];
      });
    }
  }
}

/**
 * Every problem with an assessment input (empty when it can be scored). Pure; `today` (YYYY-MM-DD),
 * when given, also rejects assessment dates in the future.
 */
export function validateAssessment(rs: RuleSet, input: AssessmentInput, today?: string): AssessmentProblem[] {
  const problems: AssessmentProblem[] = [];
  const raw: unknown = input;
  if (!isRecord(raw)) return [{ code: 'MISSING_ITEM', path: 'items', message: 'the input must be an object' }];
  const items: Record<string, unknown> = isRecord(input.items) ? input.items : {};
  if (!isRecord(input.items))
    problems.push({ code: 'MISSING_ITEM', path: 'items', message: 'items must be an object' });

  // Items: known, integer, in range, one of the options.
  const defs = new Map(rs.domains.flatMap((d) => d.items).map((it) => [it.code, it]));
  for (const [code, value] of Object.entries(items)) {
    const def = defs.get(code);
    const path = `items.${code}`;
    if (!def) {
      problems.push({ code: 'UNKNOWN_ITEM', path, message: `${rs.standard.code} has no item ${code}` });
    } else if (typeof value !== 'number' || !Number.isInteger(value)) {
      problems.push({
        code: 'POINTS_NOT_INTEGER',
        path,
        message: `${def.zh} must be whole points`,
        allowed: def.points,
      });
    } else if (value < Math.min(...def.points) || value > def.points[0]) {
      problems.push({
        code: 'POINTS_OUT_OF_RANGE',
        path,
        message: `${def.zh}: ${value} is outside ${Math.min(...def.points)}…${def.points[0]}`,
        allowed: def.points,
      });
    } else if (!def.points.includes(value)) {
      problems.push({
        code: 'POINTS_NOT_AN_OPTION',
        path,
        message: `${def.zh}: ${value} is not an option`,
        allowed: def.points,
      });
    }
  }

  // Conditions: every declared one present and well-formed, nothing else.
  const conditions: Record<string, unknown> = isRecord(input.conditions) ? input.conditions : {};
  const declared = new Map(rs.conditions.map((c) => [c.key, c]));
  for (const key of Object.keys(conditions)) {
    if (!declared.has(key)) {
      problems.push({
        code: 'UNKNOWN_CONDITION',
        path: `conditions.${key}`,
        message: `${rs.standard.code} has no condition ${key}`,
        allowed: [...declared.keys()],
      });
    }
  }
  for (const def of rs.conditions) {
    if (conditions[def.key] === undefined) {
      problems.push({
        code: 'MISSING_CONDITION',
        path: `conditions.${def.key}`,
        message: `${def.formField} ${def.zh} (${def.en}) is required`,
      });
    } else {
      problems.push(...conditionProblems(def, conditions[def.key]));
    }
  }

  // Missing items, unless a rule that lets them be skipped (coma) holds.
  const skip = rs.adjustments.rules.find(
    (r) => r.effect.kind === 'SET_LEVEL' && r.effect.itemsMayBeSkipped && evaluateTrigger(r.trigger, input).holds,
  );
  if (!skip) {
    for (const code of defs.keys()) {
      if (!(code in items)) {
        const def = defs.get(code)!;
        problems.push({ code: 'MISSING_ITEM', path: `items.${code}`, message: `${def.zh} (${def.en}) is required` });
      }
    }
  }

  // Consistency between a condition and an item (coma ⇒ consciousness 0).
  for (const rule of rs.adjustments.rules) {
    const t = rule.trigger;
    if (t.kind !== 'CONDITION_TRUE' || !t.impliesItem || conditions[t.condition] !== true) continue;
    const v = items[t.impliesItem.item];
    if (typeof v === 'number' && !t.impliesItem.in.includes(v)) {
      problems.push({
        code: 'INCONSISTENT_CONDITION',
        path: `items.${t.impliesItem.item}`,
        message: `${t.condition} = yes requires ${t.impliesItem.item} to be ${t.impliesItem.in.join(' or ')}, not ${v}`,
        allowed: t.impliesItem.in,
      });
    }
  }

  if (!rs.reasons.some((r) => r.code === input.reason)) {
    problems.push({
      code: 'INVALID_REASON',
      path: 'reason',
      message: `reason must be one of ${rs.reasons.map((r) => r.code).join(', ')}`,
      allowed: rs.reasons.map((r) => r.code),
    });
  }

  const assessors: unknown = input.assessors;
  const names = Array.isArray(assessors) ? assessors : [];
  const wellFormed = names.every((a) => typeof a === 'string' && a.trim() !== '' && a === a.trim());
  if (
    !Array.isArray(assessors) ||
    !wellFormed ||
    new Set(names).size !== names.length ||
    names.length !== rs.assessors.required
  ) {
    problems.push({
      code: 'INVALID_ASSESSORS',
      path: 'assessors',
      message: `${rs.assessors.required} distinct assessor ids are required`,
    });
  }

  if (!isCalendarDate(input.assessedOn)) {
    problems.push({
      code: 'INVALID_DATE',
      path: 'assessedOn',
      message: 'assessedOn must be a calendar date YYYY-MM-DD',
    });
  } else if (today !== undefined && isCalendarDate(today) && input.assessedOn > today) {
    problems.push({
      code: 'DATE_IN_FUTURE',
      path: 'assessedOn',
      message: `${input.assessedOn} is after today (${today})`,
    });
  }
  return problems;
}
