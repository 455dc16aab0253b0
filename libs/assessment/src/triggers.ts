import type { AssessmentInput, DiagnosisInput, Trigger } from './types.js';

const ICD10 = /^([A-Z])(\d{2})(?:\.[0-9A-Z]{1,4})?$/;

/** Whether a string is an ICD-10 code (category F03, or subcategory F03.9); case-insensitive. */
export function isIcd10(code: unknown): code is string {
  return typeof code === 'string' && ICD10.test(code.toUpperCase());
}

/** The category (letter + two digits) of an ICD-10 code: 'f03.9' → 'F03'. */
function icdCategory(code: string): string {
  return code.toUpperCase().slice(0, 3);
}

export interface TriggerOutcome {
  holds: boolean;
  evidence: string;
}

const NO: TriggerOutcome = { holds: false, evidence: '' };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether a trigger holds for an input, with the evidence in words. Defensive: input that would fail
 * validation never makes a trigger hold (validation reports it separately).
 */
export function evaluateTrigger(trigger: Trigger, input: AssessmentInput): TriggerOutcome {
  const conditions: Record<string, unknown> = isRecord(input.conditions) ? input.conditions : {};
  const items: Record<string, unknown> = isRecord(input.items) ? input.items : {};
  switch (trigger.kind) {
    case 'CONDITION_TRUE':
      return conditions[trigger.condition] === true ? { holds: true, evidence: `${trigger.condition} = yes` } : NO;
    case 'ITEM_POINTS': {
      const v = items[trigger.item];
      return typeof v === 'number' && trigger.in.includes(v) ? { holds: true, evidence: `${trigger.item} = ${v}` } : NO;
    }
    case 'DIAGNOSIS': {
      const list = conditions[trigger.condition];
      if (!Array.isArray(list)) return NO;
      const hits = (list as unknown[])
        .filter((d): d is DiagnosisInput => isRecord(d) && isIcd10(d.icd10))
        .filter((d) => !trigger.requiresPsychiatrist || d.psychiatrist === true)
        .filter((d) => trigger.ranges.some(([from, to]) => icdCategory(d.icd10) >= from && icdCategory(d.icd10) <= to));
      if (hits.length === 0) return NO;
      const by = trigger.requiresPsychiatrist ? ' (by a psychiatrist)' : '';
      return { holds: true, evidence: `diagnoses ${hits.map((d) => d.icd10.toUpperCase()).join(', ')}${by}` };
    }
    case 'CHOICE_AT_LEAST': {
      const v = conditions[trigger.condition];
      return typeof v === 'number' && v >= trigger.min
        ? { holds: true, evidence: `${trigger.condition} = ${v} (≥ ${trigger.min})` }
        : NO;
    }
    case 'ANY_SELECTED': {
      const v = conditions[trigger.condition];
      return Array.isArray(v) && v.length > 0
        ? { holds: true, evidence: `${trigger.condition} = ${v.join(', ')}` }
        : NO;
    }
    case 'EVENT_COUNT': {
      const counts = conditions[trigger.condition];
      if (!isRecord(counts)) return NO;
      const counted = trigger.types
        .map((type) => [type, counts[type]] as const)
        .filter((e): e is readonly [string, number] => typeof e[1] === 'number' && e[1] > 0);
      const words = counted.map(([type, n]) => `${type} ${n}`);
      if (trigger.counting === 'SUM') {
        const sum = counted.reduce((s, [, n]) => s + n, 0);
        return sum >= trigger.threshold
          ? { holds: true, evidence: `${trigger.condition}: ${words.join(' + ')} = ${sum} (≥ ${trigger.threshold})` }
          : NO;
      }
      const single = counted.filter(([, n]) => n >= trigger.threshold);
      return single.length > 0
        ? {
            holds: true,
            evidence: `${trigger.condition}: ${single.map(([t, n]) => `${t} ${n}`).join(', ')} (≥ ${trigger.threshold} of one type)`,
          }
        : NO;
    }
  }
}
