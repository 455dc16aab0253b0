/**
 * GB/T 42195-2022 《老年人能力评估规范》 as rule data.
 *
 * Rebuilt from the reference /work/shared/reference/ability-assessment.md §1 (no full text of the
 * standard was available; S1…S12 are the reference's source ids). Every number carries its clause and
 * the reference's certainty. The values the reference found no source for are factory options
 * (`GbT42195Options`) with a documented default; a deployment that has checked the official text or
 * its local policy builds its own rule set with `buildGbT42195RuleSet({...})` and a new `version`.
 */
import { defineRuleSet } from '../rule-set-check.js';
import { src } from '../source-note.js';
import type { AdjustmentRule, Band, DomainDef, ItemDef, LevelDef, RuleSet, SourceNote } from '../types.js';

export const GB_T_42195_2022_ID = 'GB_T_42195_2022';

export type GbRiskEventType = 'FALL' | 'WANDERING' | 'CHOKING' | 'SUICIDE_SELF_HARM' | 'OTHER';

export interface GbT42195Options {
  /** Revision label of the resulting rule data. Change it whenever an option differs from the default. */
  version?: string;
  /**
   * Level for a person in a coma. Default 4: the C.4 change rule "直接评定为能力完全丧失（完全失能）"
   * [2+: S3, S4, S6]. Two transcriptions of the B.3.9 form note say "重度失能" (3) instead [S4, S5]:
   * an inconsistency inside the standard that needs the official text.
   */
  comaLevel?: 3 | 4;
  /**
   * Cap on the levels added by the raising rules together. Default 1 [none found in the standard
   * text]: S3 applies at most +1, and S6 words the rule "满足以下任一条件…上调一个能力等级".
   * null lets raises add up (still capped at level 4).
   */
  maxTotalRaise?: number | null;
  /**
   * Whether dementia (F00–F03) and other mental disorders (F04–F99) are one C.4 item (raise once
   * together, S3 and S4) or two (S6, S8). Matters only when raises stack. Default true [none found].
   */
  diagnosesAsOneItem?: boolean;
  /** How the "≥2 care-risk events" are counted: summed over types (default, S3) or per type [none found]. */
  riskEventCounting?: 'SUM' | 'ANY_SINGLE_TYPE';
  /**
   * Which A.2.14 event types count. Default all five: S6 lists 跌倒、噎食、自杀、自伤、走失 "等" (etc.), and
   * S3 counts every type [none found for whether 其他 counts].
   */
  riskEventTypes?: readonly GbRiskEventType[];
  /** Months to the next routine re-assessment. Default 12 [none found]; MZ/T 039 says 6. */
  reassessmentIntervalMonths?: number;
  /** Per final level, overriding the interval [none found]. */
  reassessmentByLevel?: Readonly<Partial<Record<0 | 1 | 2 | 3 | 4, number>>>;
  /** Number of assessors who assess together. Default 2 [none found for GB/T; MZ/T 039 4.3.1 requires 2]. */
  requiredAssessors?: number;
}

const ITEMS_SOURCE = src('GB/T 42195-2022 附录B 表B.1–B.4', '2+', ['S3', 'S4', 'S5']);
const SELF_CARE_SOURCE = src('GB/T 42195-2022 附录B 表B.1', '2+', ['S3', 'S4', 'S5', 'S7']);

/** Pattern A (协助等级): 4 independent … 0 fully dependent. */
const ASSISTANCE = [4, 3, 2, 1, 0] as const;

function item(code: string, zh: string, en: string, points: readonly number[], source = ITEMS_SOURCE): ItemDef {
  return { code, zh, en, points, source };
}

const DOMAINS: readonly DomainDef[] = [
  {
    code: 'SELF_CARE',
    zh: '自理能力',
    en: 'Self-care',
    table: 'B.1',
    direction: 'HIGHER_IS_BETTER',
    max: 32,
    maxSource: src('GB/T 42195-2022 表B.1', '2+', ['S3', 'S4', 'S5'], '8 items × 4'),
    items: [
      item('B.1.1', '进食', 'Eating', ASSISTANCE, SELF_CARE_SOURCE),
      item('B.1.2', '修饰', 'Grooming', ASSISTANCE, SELF_CARE_SOURCE),
      item('B.1.3', '洗澡', 'Bathing', ASSISTANCE, SELF_CARE_SOURCE),
      item('B.1.4', '穿/脱上衣', 'Upper-body dressing', ASSISTANCE, SELF_CARE_SOURCE),
      item('B.1.5', '穿/脱裤子和鞋袜', 'Trousers, shoes and socks', ASSISTANCE, SELF_CARE_SOURCE),
      item('B.1.6', '小便控制', 'Bladder control', ASSISTANCE, SELF_CARE_SOURCE),
      // Option 3's frequency reads "每周<1次" in S3/S4 but "每天<1次" in S5; the points agree.
      item('B.1.7', '大便控制', 'Bowel control', ASSISTANCE, SELF_CARE_SOURCE),
      item('B.1.8', '如厕', 'Toileting', ASSISTANCE, SELF_CARE_SOURCE),
    ],
  },
  {
    code: 'MOBILITY',
    zh: '基础运动能力',
    en: 'Basic mobility',
    table: 'B.2',
    direction: 'HIGHER_IS_BETTER',
    max: 15,
    maxSource: src('GB/T 42195-2022 表B.2', '2+', ['S3', 'S4', 'S5'], '4 + 4 + 4 + 3'),
    items: [
      item('B.2.1', '床上体位转移', 'Turning and sitting up in bed', ASSISTANCE),
      item('B.2.2', '床椅转移', 'Bed–chair transfer', ASSISTANCE),
      item('B.2.3', '平地行走', 'Level walking', [4, 3, 2, 1, 0]),
      item('B.2.4', '上下楼梯', 'Stairs', [3, 2, 1, 0]),
    ],
  },
  {
    code: 'MENTAL',
    zh: '精神状态',
    en: 'Mental state',
    table: 'B.3',
    direction: 'HIGHER_IS_BETTER',
    max: 28,
    maxSource: src('GB/T 42195-2022 表B.3', '2+', ['S3', 'S4', 'S5'], '6 × 4 + 1 + 1 + 2'),
    items: [
      item('B.3.1', '时间定向', 'Time orientation', [4, 3, 2, 1, 0]),
      item('B.3.2', '空间定向', 'Place orientation', [4, 3, 2, 1, 0]),
      item('B.3.3', '人物定向', 'Person orientation', [4, 3, 2, 1, 0]),
      item('B.3.4', '记忆', 'Memory', [4, 3, 2, 1, 0]),
      item('B.3.5', '理解能力', 'Understanding', [4, 3, 2, 1, 0]),
      item('B.3.6', '表达能力', 'Expression', [4, 3, 2, 1, 0]),
      item('B.3.7', '攻击行为', 'Aggression', [1, 0]),
      item('B.3.8', '抑郁症状', 'Depressive symptoms', [1, 0]),
      // 0 covers both 昏睡 (stupor) and 昏迷 (coma); the coma rule reads A.5.11, not this item.
      item('B.3.9', '意识水平', 'Consciousness', [2, 1, 0]),
    ],
  },
  {
    code: 'PERCEPTION_SOCIAL',
    zh: '感知觉与社会参与',
    en: 'Perception and social participation',
    table: 'B.4',
    direction: 'HIGHER_IS_BETTER',
    max: 15,
    maxSource: src('GB/T 42195-2022 表B.4', '2+', ['S3', 'S4', 'S5'], '2 + 2 + 4 + 3 + 4'),
    items: [
      item('B.4.1', '视力', 'Vision', [2, 1, 0]),
      item('B.4.2', '听力', 'Hearing', [2, 1, 0]),
      item('B.4.3', '执行日常事务', 'Daily affairs', ASSISTANCE),
      // Max 3, not 2: one public implementation scores it 2/1/0 (reference §4).
      item('B.4.4', '使用交通工具外出', 'Going out by transport', [3, 2, 1, 0]),
      item('B.4.5', '社会交往能力', 'Social interaction', [4, 3, 2, 1, 0]),
    ],
  },
];

// Level labels: GB/T 42195-2022 C.3 / C.5 [2+: S3, S4, S8].

const LEVELS: readonly LevelDef[] = [
  { value: 0, code: 'INTACT', zh: '能力完好', en: 'Ability intact' },
  { value: 1, code: 'MILD', zh: '能力轻度受损（轻度失能）', en: 'Mildly impaired (mild disability)' },
  { value: 2, code: 'MODERATE', zh: '能力中度受损（中度失能）', en: 'Moderately impaired (moderate disability)' },
  { value: 3, code: 'SEVERE', zh: '能力重度受损（重度失能）', en: 'Severely impaired (severe disability)' },
  { value: 4, code: 'TOTAL', zh: '能力完全丧失（完全失能）', en: 'Ability lost (total disability)' },
];

/** C.3 老年人能力初步等级: the total (0–90) against fixed bands. */
function band(min: number, max: number, value: number): Band {
  return { min, max, value, source: src('GB/T 42195-2022 C.3 初步等级 (总分)', '2+', ['S3', 'S4', 'S8']) };
}
const TOTAL_BANDS: readonly Band[] = [
  band(90, 90, 0), // 能力完好: 90
  band(66, 89, 1), // 轻度: 66–89
  band(46, 65, 2), // 中度: 46–65
  band(30, 45, 3), // 重度: 30–45
  band(0, 29, 4), // 完全丧失: 0–29
];

const CHANGE_SOURCE = (certainty: SourceNote['certainty'], note?: string) =>
  src('GB/T 42195-2022 C.4 能力等级变更依据', certainty, ['S3', 'S4', 'S6', 'S8'], note);

const RISK_EVENT_TYPES: readonly { code: GbRiskEventType; zh: string; en: string }[] = [
  { code: 'FALL', zh: '跌倒', en: 'Fall' },
  { code: 'WANDERING', zh: '走失', en: 'Wandering off' },
  { code: 'CHOKING', zh: '噎食', en: 'Choking' },
  { code: 'SUICIDE_SELF_HARM', zh: '自杀/自伤', en: 'Suicide or self-harm' },
  { code: 'OTHER', zh: '其他', en: 'Other' },
];

/** Builds the GB/T 42195-2022 rule set; the defaults are the reference's reading (see each option). */
export function buildGbT42195RuleSet(options: GbT42195Options = {}): RuleSet {
  const o = {
    version: options.version ?? '1',
    comaLevel: options.comaLevel ?? 4,
    maxTotalRaise: options.maxTotalRaise === undefined ? 1 : options.maxTotalRaise,
    diagnosesAsOneItem: options.diagnosesAsOneItem ?? true,
    riskEventCounting: options.riskEventCounting ?? 'SUM',
    riskEventTypes: [...(options.riskEventTypes ?? RISK_EVENT_TYPES.map((t) => t.code))],
    reassessmentIntervalMonths: options.reassessmentIntervalMonths ?? 12,
    reassessmentByLevel: { ...options.reassessmentByLevel },
    requiredAssessors: options.requiredAssessors ?? 2,
  };

  const rules: AdjustmentRule[] = [
    {
      id: 'COMA',
      zh: '处于昏迷状态者，直接评定为能力完全丧失（完全失能）',
      en: 'In a coma (A.5.11): the level is set directly',
      trigger: { kind: 'CONDITION_TRUE', condition: 'coma', impliesItem: { item: 'B.3.9', in: [0] } },
      // S6: "无需通过指标计分评估" — the items need not be scored [1: S6].
      effect: { kind: 'SET_LEVEL', level: o.comaLevel, itemsMayBeSkipped: true },
      source: CHANGE_SOURCE(
        '2+',
        'C.4 says 能力完全丧失 (4); the B.3.9 form note (S4, S5) says 重度失能 (3): unresolved inside the standard. ' +
          'Skipping the items in a coma: S6 only [1].',
      ),
    },
    {
      id: 'DEMENTIA',
      zh: '确诊为痴呆（F00–F03）',
      en: 'Diagnosed dementia (ICD-10 F00–F03)',
      trigger: { kind: 'DIAGNOSIS', condition: 'diagnoses', ranges: [['F00', 'F03']], requiresPsychiatrist: false },
      effect: { kind: 'RAISE', levels: 1, group: o.diagnosesAsOneItem ? 'DIAGNOSIS' : 'DEMENTIA' },
      source: CHANGE_SOURCE('2+'),
    },
    {
      id: 'MENTAL_DISORDER',
      zh: '精神科专科医生诊断的其他精神和行为障碍疾病（F04–F99）',
      en: 'Other mental and behavioural disorder diagnosed by a psychiatrist (ICD-10 F04–F99)',
      trigger: { kind: 'DIAGNOSIS', condition: 'diagnoses', ranges: [['F04', 'F99']], requiresPsychiatrist: true },
      effect: { kind: 'RAISE', levels: 1, group: o.diagnosesAsOneItem ? 'DIAGNOSIS' : 'MENTAL_DISORDER' },
      source: CHANGE_SOURCE('2+'),
    },
    {
      id: 'RISK_EVENTS',
      zh: '近30天内发生过2次及以上照护风险事件',
      en: '≥2 care-risk events in the last 30 days (A.2.14)',
      trigger: {
        kind: 'EVENT_COUNT',
        condition: 'riskEvents',
        types: o.riskEventTypes,
        threshold: 2, // "2次及以上" [2+]
        counting: o.riskEventCounting,
      },
      effect: { kind: 'RAISE', levels: 1, group: 'RISK_EVENTS' },
      source: CHANGE_SOURCE('2+', 'Counting across types and whether 其他 counts: none found (options).'),
    },
  ];

  return defineRuleSet({
    id: GB_T_42195_2022_ID,
    version: o.version,
    standard: {
      code: 'GB/T 42195-2022',
      zh: '老年人能力评估规范',
      en: 'Specification for ability assessment of older adults',
      published: '2022-12-30',
      inForce: '2022-12-30',
      source: src('GB/T 42195-2022 封面', '1', ['one unnamed implementation'], '"2022-12-30 发布并实施"'),
    },
    options: o,
    levels: LEVELS.map((l) => ({ ...l })),
    grades: [],
    domains: DOMAINS,
    levelMethod: {
      kind: 'TOTAL_BANDS',
      maxTotal: 90,
      maxTotalSource: src('GB/T 42195-2022 C.2 初步等级得分', '2+', ['S3', 'S4', 'S5'], '"26项能力题总分90分" (S3)'),
      bands: TOTAL_BANDS,
    },
    conditions: [
      { key: 'coma', formField: 'A.5.11', zh: '昏迷', en: 'Coma', kind: 'BOOLEAN' },
      { key: 'diagnoses', formField: 'A.4.1', zh: '疾病诊断', en: 'Diagnoses (ICD-10)', kind: 'DIAGNOSES' },
      {
        key: 'riskEvents',
        formField: 'A.2.14',
        zh: '近30天内照护风险事件',
        en: 'Care-risk events in the last 30 days',
        kind: 'EVENT_COUNTS',
        types: RISK_EVENT_TYPES,
        maxCount: 3, // 无 / 1次 / 2次 / ≥3次 [S3, S4]
      },
    ],
    adjustments: {
      rules,
      maxTotalRaise: o.maxTotalRaise,
      maxTotalRaiseSource: src(
        'GB/T 42195-2022 C.4',
        'none-found',
        ['S3', 'S6'],
        'Whether raises stack is not stated; default +1 in total (S3; S6 "满足以下任一条件…上调一个能力等级").',
      ),
    },
    reasons: [
      { code: 'FIRST', formValue: 1, zh: '首次评估', en: 'First assessment' },
      { code: 'ROUTINE', formValue: 2, zh: '常规评估', en: 'Routine assessment' },
      { code: 'IMMEDIATE', formValue: 3, zh: '即时评估', en: 'Immediate assessment' },
      {
        code: 'REASSESSMENT',
        formValue: 4,
        zh: '因对评估结果有疑问进行的复评',
        en: 'Re-assessment because the result is disputed',
      },
      { code: 'OTHER', formValue: 5, zh: '其他', en: 'Other' },
    ],
    assessors: {
      required: o.requiredAssessors,
      source: src('GB/T 42195-2022 (not found)', 'none-found', [], 'MZ/T 039-2013 4.3.1 requires 2; configurable.'),
    },
    reassessment: {
      intervalMonths: o.reassessmentIntervalMonths,
      byLevel: o.reassessmentByLevel,
      source: src(
        'GB/T 42195-2022 (not found)',
        'none-found',
        ['one unnamed implementation'],
        'Default 12 months is an implementation choice seen once; MZ/T 039-2013 4.3.5 says 6. Check local policy.',
      ),
    },
  });
}

/** GB/T 42195-2022 with the reference's default reading. */
export const GB_T_42195_2022: RuleSet = buildGbT42195RuleSet();
