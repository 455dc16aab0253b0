/**
 * MZ/T 039-2013 《老年人能力评估》 (民政部) as rule data.
 *
 * From the reference /work/shared/reference/ability-assessment.md §2, whose primary source is the full
 * published text (S1). Each domain is graded 0–3 (bands, or a rule table for perception), and the four
 * grades are combined through 表6 into a level 0–3. Where 表6 leaves a gap or two rows overlap, the
 * row order below is the decision, marked in its source note; the undecided ones are factory options.
 */
import { defineRuleSet } from '../rule-set-check.js';
import { src } from '../source-note.js';
import type { Band, DecisionRow, DomainDef, ItemDef, Predicate, RuleSet } from '../types.js';

export const MZ_T_039_2013_ID = 'MZ_T_039_2013';

export type MzAccidentType = 'FALL' | 'WANDERING' | 'CHOKING' | 'SUICIDE' | 'OTHER';

export interface MzT039Options {
  /** Revision label of the resulting rule data. Change it whenever an option differs from the default. */
  version?: string;
  /**
   * ADL grade 1 with one other grade ≤ 1 and another = 3 (e.g. M 0, P 3) matches both 表6 轻度 and 中度.
   * Default 1 (轻度): S2 and a second public implementation check 轻度 first [none found in the text].
   */
  adl1OverlapLevel?: 1 | 2;
  /** ADL 0, mental 0, perception 0, social 3 is in no row of 表6. Default 1 ("社会参与 ≥ 2 → 轻度", S2) [none found]. */
  adl0Social3Level?: 1 | 2;
  /** Cap on the levels the raising rules add together. Default 1: "有以下情况之一者…提高一个级别" [1: S1]. */
  maxTotalRaise?: number | null;
  /** How the "≥2 accidents" are counted: summed over types (default) or per type [none found]. */
  accidentCounting?: 'SUM' | 'ANY_SINGLE_TYPE';
  /** Which A.2.14 types count. Default the four the rule names (跌倒、噎食、自杀、走失), not 其他 [none found]. */
  accidentTypes?: readonly MzAccidentType[];
  /** Months to the next routine assessment. Default 6 (4.3.5 "每6个月") [1: S1]. */
  reassessmentIntervalMonths?: number;
  reassessmentByLevel?: Readonly<Partial<Record<0 | 1 | 2 | 3, number>>>;
  /** Assessors who assess together. Default 2 (4.3.1, 4.3.4) [2+: S1, S11]. */
  requiredAssessors?: number;
}

function item(code: string, zh: string, en: string, points: readonly number[], sources: readonly string[]): ItemDef {
  return { code, zh, en, points, source: src(`MZ/T 039-2013 附录B ${code}`, '2+', sources) };
}

const ADL_SRC = ['S1', 'S9', 'S10'];
const OTHER_SRC = ['S1', 'S10'];

function gradeBands(table: string, bands: readonly [min: number, max: number, grade: number][]): Band[] {
  return bands.map(([min, max, value]) => ({
    min,
    max,
    value,
    source: src(`MZ/T 039-2013 ${table}`, '2+', ['S1', 'S2']),
  }));
}

const V = 'B.3.2';
const H = 'B.3.3';
const CONSCIOUSNESS = 'B.3.1';
const COMMUNICATION = 'B.3.4';
const p = (of: readonly string[], quantifier: Predicate['quantifier'], values: readonly number[]): Predicate => ({
  of,
  quantifier,
  in: values,
});
const PERCEPTION_SRC = src('MZ/T 039-2013 表4 感知觉与沟通分级', '2+', ['S1', 'S2']);

/**
 * 表4: rows overlap (clear, V 2 and C 2 matches grades 1 and 2), so every matching row counts and the
 * worst grade wins — S2 evaluates 0 → 3 and lets the last match win, which is the same.
 */
const PERCEPTION_ROWS: readonly DecisionRow[] = [
  // 0: 意识清醒，且视力和听力评为0或1，沟通评为0
  {
    value: 0,
    anyOf: [[p([CONSCIOUSNESS], 'ALL', [0]), p([V, H], 'ALL', [0, 1]), p([COMMUNICATION], 'ALL', [0])]],
    source: PERCEPTION_SRC,
  },
  // 1: 意识清醒，但视力或听力中至少一项评为2，或沟通评为1
  {
    value: 1,
    anyOf: [
      [p([CONSCIOUSNESS], 'ALL', [0]), p([V, H], 'ANY', [2])],
      [p([CONSCIOUSNESS], 'ALL', [0]), p([COMMUNICATION], 'ALL', [1])],
    ],
    source: PERCEPTION_SRC,
  },
  // 2: 意识清醒，但视力或听力中至少一项评为3，或沟通评为2；或嗜睡，视力或听力评定为3及以下，沟通评定为2及以下
  {
    value: 2,
    anyOf: [
      [p([CONSCIOUSNESS], 'ALL', [0]), p([V, H], 'ANY', [3])],
      [p([CONSCIOUSNESS], 'ALL', [0]), p([COMMUNICATION], 'ALL', [2])],
      [p([CONSCIOUSNESS], 'ALL', [1]), p([V, H], 'ALL', [0, 1, 2, 3]), p([COMMUNICATION], 'ALL', [0, 1, 2])],
    ],
    source: PERCEPTION_SRC,
  },
  // 3: 意识清醒或嗜睡，但视力或听力中至少一项评为4，或沟通评为3；或昏睡/昏迷
  {
    value: 3,
    anyOf: [
      [p([CONSCIOUSNESS], 'ALL', [0, 1]), p([V, H], 'ANY', [4])],
      [p([CONSCIOUSNESS], 'ALL', [0, 1]), p([COMMUNICATION], 'ALL', [3])],
      [p([CONSCIOUSNESS], 'ALL', [2, 3])],
    ],
    source: PERCEPTION_SRC,
  },
];

const DOMAINS: readonly DomainDef[] = [
  {
    code: 'ADL',
    zh: '日常生活活动',
    en: 'Activities of daily living',
    table: 'B.1',
    direction: 'HIGHER_IS_BETTER',
    max: 100,
    maxSource: src('MZ/T 039-2013 表B.1', '2+', ADL_SRC, 'Barthel-style 0–100'),
    items: [
      item('B.1.1', '进食', 'Eating', [10, 5, 0], ADL_SRC),
      item('B.1.2', '洗澡', 'Bathing', [5, 0], ADL_SRC),
      item('B.1.3', '修饰', 'Grooming', [5, 0], ADL_SRC),
      item('B.1.4', '穿衣', 'Dressing', [10, 5, 0], ADL_SRC),
      item('B.1.5', '大便控制', 'Bowel control', [10, 5, 0], ADL_SRC),
      item('B.1.6', '小便控制', 'Bladder control', [10, 5, 0], ADL_SRC),
      item('B.1.7', '如厕', 'Toileting', [10, 5, 0], ADL_SRC),
      item('B.1.8', '床椅转移', 'Bed–chair transfer', [15, 10, 5, 0], ADL_SRC),
      item('B.1.9', '平地行走', 'Level walking', [15, 10, 5, 0], ADL_SRC),
      item('B.1.10', '上下楼梯', 'Stairs', [10, 5, 0], ADL_SRC),
    ],
    grading: {
      kind: 'SCORE_BANDS',
      // 表2. ADL sums are multiples of 5, so 41–44, 61–64 and 96–99 cannot occur (checked).
      bands: gradeBands('表2 日常生活活动分级', [
        [100, 100, 0], // 能力完好: 总分100分
        [65, 95, 1], // 轻度受损: 65–95
        [45, 60, 2], // 中度受损: 45–60
        [0, 40, 3], // 重度受损: ≤40
      ]),
    },
  },
  {
    code: 'MENTAL',
    zh: '精神状态',
    en: 'Mental state',
    table: 'B.2',
    direction: 'HIGHER_IS_WORSE',
    max: 6,
    maxSource: src('MZ/T 039-2013 表B.2', '2+', OTHER_SRC),
    items: [
      // 2 = already diagnosed with cognitive impairment; dementia also raises the final level (reference §2.8).
      item('B.2.1', '认知功能', 'Cognition', [2, 1, 0], OTHER_SRC),
      item('B.2.2', '攻击行为', 'Aggression', [2, 1, 0], OTHER_SRC),
      item('B.2.3', '抑郁症状', 'Depression', [2, 1, 0], OTHER_SRC),
    ],
    grading: {
      kind: 'SCORE_BANDS',
      bands: gradeBands('表3 精神状态分级', [
        [0, 0, 0], // 能力完好: 0
        [1, 1, 1], // 轻度受损: 1
        [2, 3, 2], // 中度受损: 2–3
        [4, 6, 3], // 重度受损: 4–6
      ]),
    },
  },
  {
    code: 'PERCEPTION',
    zh: '感知觉与沟通',
    en: 'Perception and communication',
    table: 'B.3',
    direction: 'HIGHER_IS_WORSE',
    max: 14,
    maxSource: src('MZ/T 039-2013 表B.3', '2+', OTHER_SRC, 'not stated; 3 + 4 + 4 + 3 from the option points'),
    items: [
      // 3 = 昏迷: the level is directly 重度失能 and the other items may be skipped.
      item('B.3.1', '意识水平', 'Consciousness', [3, 2, 1, 0], OTHER_SRC),
      // S10 stores option 3 as 2 (a data error); S1 has 0–4.
      item('B.3.2', '视力', 'Vision', [4, 3, 2, 1, 0], OTHER_SRC),
      item('B.3.3', '听力', 'Hearing', [4, 3, 2, 1, 0], OTHER_SRC),
      item('B.3.4', '沟通交流', 'Communication', [3, 2, 1, 0], OTHER_SRC),
    ],
    grading: { kind: 'ITEM_TABLE', table: { resolution: 'WORST', rows: PERCEPTION_ROWS, source: PERCEPTION_SRC } },
  },
  {
    code: 'SOCIAL',
    zh: '社会参与',
    en: 'Social participation',
    table: 'B.4',
    direction: 'HIGHER_IS_WORSE',
    max: 20,
    maxSource: src('MZ/T 039-2013 表B.4', '2+', OTHER_SRC, '5 items × 4'),
    items: [
      item('B.4.1', '生活能力', 'Daily living', [4, 3, 2, 1, 0], OTHER_SRC),
      item('B.4.2', '工作能力', 'Work skills', [4, 3, 2, 1, 0], OTHER_SRC),
      item('B.4.3', '时间/空间定向', 'Time and place orientation', [4, 3, 2, 1, 0], OTHER_SRC),
      item('B.4.4', '人物定向', 'Person orientation', [4, 3, 2, 1, 0], OTHER_SRC),
      item('B.4.5', '社会交往能力', 'Social interaction', [4, 3, 2, 1, 0], OTHER_SRC),
    ],
    grading: {
      kind: 'SCORE_BANDS',
      bands: gradeBands('表5 社会参与分级', [
        [0, 2, 0], // 能力完好: 0–2
        [3, 7, 1], // 轻度受损: 3–7
        [8, 13, 2], // 中度受损: 8–13
        [14, 20, 3], // 重度受损: 14–20
      ]),
    },
  },
];

const A = 'ADL';
const OTHERS = ['MENTAL', 'PERCEPTION', 'SOCIAL'] as const;
const T6 = (row: string) => src(`MZ/T 039-2013 表6 ${row}`, '1', ['S1', 'S2']);

/** Builds the MZ/T 039-2013 rule set; the defaults are the reference's reading (see each option). */
export function buildMzT039RuleSet(options: MzT039Options = {}): RuleSet {
  const o = {
    version: options.version ?? '1',
    adl1OverlapLevel: options.adl1OverlapLevel ?? 1,
    adl0Social3Level: options.adl0Social3Level ?? 1,
    maxTotalRaise: options.maxTotalRaise === undefined ? 1 : options.maxTotalRaise,
    accidentCounting: options.accidentCounting ?? 'SUM',
    accidentTypes: [...(options.accidentTypes ?? (['FALL', 'CHOKING', 'SUICIDE', 'WANDERING'] as const))],
    reassessmentIntervalMonths: options.reassessmentIntervalMonths ?? 6,
    reassessmentByLevel: { ...options.reassessmentByLevel },
    requiredAssessors: options.requiredAssessors ?? 2,
  };

  const adl1Mild: DecisionRow = {
    value: 1,
    // 轻度 (b): 日常生活活动分级为1，精神状态、感知觉与沟通、社会参与中至少有一项的分级为0或1
    anyOf: [[p([A], 'ALL', [1]), p(OTHERS, 'ANY', [0, 1])]],
    source: T6('轻度失能 (b)'),
  };
  const adl1Moderate: DecisionRow = {
    value: 2,
    // 中度 (a): 日常生活活动分级为1，但精神状态、感知觉与沟通、社会参与均为2，或有一项为3
    // ("有一项为3" read as "at least one"; S2 reads "exactly one" and leaves two 3s unrated).
    anyOf: [
      [p([A], 'ALL', [1]), p(OTHERS, 'ALL', [2])],
      [p([A], 'ALL', [1]), p(OTHERS, 'ANY', [3])],
    ],
    source: T6('中度失能 (a)'),
  };
  const overlapNote = src(
    'MZ/T 039-2013 表6 轻度 (b) / 中度 (a) overlap',
    'none-found',
    ['S2'],
    `ADL 1 with one grade ≤ 1 and another 3 matches both rows; option adl1OverlapLevel = ${o.adl1OverlapLevel}`,
  );
  // The row checked first wins the overlap: its precedence (not its text) is the undecided part.
  const first = (row: DecisionRow): DecisionRow => ({
    ...row,
    source: { ...row.source, certainty: overlapNote.certainty, note: overlapNote.note },
  });
  const adl1Rows = o.adl1OverlapLevel === 1 ? [first(adl1Mild), adl1Moderate] : [first(adl1Moderate), adl1Mild];

  // First match wins: the order below is the precedence.
  const combination: DecisionRow[] = [
    // 重度 (a): 日常生活活动的分级为3
    { value: 3, anyOf: [[p([A], 'ALL', [3])]], source: T6('重度失能 (a)') },
    // 重度 (b): 日常生活活动、精神状态、感知觉与沟通、社会参与分级均为2
    { value: 3, anyOf: [[p([A], 'ALL', [2]), p(OTHERS, 'ALL', [2])]], source: T6('重度失能 (b)') },
    // 重度 (c): 日常生活活动分级为2，且…至少有一项分级为3. Checked before 中度 (b), which it overlaps
    // (e.g. A 2, M 1, P 3): 附录D note 3 decides 重度. S2 checks 中度 first and gets 中度.
    {
      value: 3,
      anyOf: [[p([A], 'ALL', [2]), p(OTHERS, 'ANY', [3])]],
      source: src('MZ/T 039-2013 表6 重度失能 (c); 附录D 注3', '1', ['S1']),
    },
    // 中度 (b): 日常生活活动分级为2，且精神状态、感知觉与沟通、社会参与中有1–2项的分级为1或2
    { value: 2, anyOf: [[p([A], 'ALL', [2]), p(OTHERS, { count: [1, 2] }, [1, 2])]], source: T6('中度失能 (b)') },
    // 附录D note 3: ADL 2 otherwise 中度 — covers (0,0,0) and three grades in {1,2} that are not all 2.
    {
      value: 2,
      anyOf: [[p([A], 'ALL', [2])]],
      source: src('MZ/T 039-2013 附录D 注3 (gap in 表6)', '1', ['S1'], 'table 6 itself has no row for these'),
    },
    ...adl1Rows,
    // 能力完好: 日常生活活动、精神状态、感知觉与沟通分级均为0，社会参与的分级为0或1
    {
      value: 0,
      anyOf: [[p([A, 'MENTAL', 'PERCEPTION'], 'ALL', [0]), p(['SOCIAL'], 'ALL', [0, 1])]],
      source: T6('能力完好'),
    },
    // 轻度 (a): 日常生活活动分级为0，但精神状态、感知觉与沟通中至少一项分级为1以上，或社会参与的分级为2
    {
      value: 1,
      anyOf: [
        [p([A], 'ALL', [0]), p(['MENTAL', 'PERCEPTION'], 'ANY', [1, 2, 3])],
        [p([A], 'ALL', [0]), p(['SOCIAL'], 'ALL', [2])],
      ],
      source: T6('轻度失能 (a)'),
    },
    // Gap: ADL 0, M 0, P 0, S 3 is in no row.
    {
      value: o.adl0Social3Level,
      anyOf: [[p([A], 'ALL', [0]), p(['SOCIAL'], 'ALL', [3])]],
      source: src(
        'MZ/T 039-2013 表6 (gap)',
        'none-found',
        ['S2'],
        `not covered by table 6; option adl0Social3Level = ${o.adl0Social3Level}`,
      ),
    },
  ];

  return defineRuleSet({
    id: MZ_T_039_2013_ID,
    version: o.version,
    standard: {
      code: 'MZ/T 039-2013',
      zh: '老年人能力评估',
      en: 'Ability assessment for older adults',
      published: '2013-08-29',
      inForce: '2013-10-01',
      source: src('MZ/T 039-2013 封面', '1', ['S1']),
    },
    options: o,
    levels: [
      { value: 0, code: 'INTACT', zh: '能力完好', en: 'Ability intact' },
      { value: 1, code: 'MILD', zh: '轻度失能', en: 'Mild disability' },
      { value: 2, code: 'MODERATE', zh: '中度失能', en: 'Moderate disability' },
      { value: 3, code: 'SEVERE', zh: '重度失能', en: 'Severe disability' },
    ],
    grades: [
      { value: 0, zh: '能力完好', en: 'Intact' },
      { value: 1, zh: '轻度受损', en: 'Mildly impaired' },
      { value: 2, zh: '中度受损', en: 'Moderately impaired' },
      { value: 3, zh: '重度受损', en: 'Severely impaired' },
    ],
    domains: DOMAINS,
    levelMethod: {
      kind: 'DOMAIN_GRADE_TABLE',
      table: { resolution: 'FIRST_MATCH', rows: combination, source: T6('老年人能力等级') },
    },
    conditions: [
      {
        key: 'dementia',
        formField: 'A.2.13.1',
        zh: '痴呆',
        en: 'Dementia (0 none … 3 severe)',
        kind: 'CHOICE',
        options: [0, 1, 2, 3],
      },
      {
        key: 'mentalIllnesses',
        formField: 'A.2.13.2',
        zh: '精神疾病',
        en: 'Mental illnesses (1 精神分裂症 … 6 精神发育迟滞伴发精神障碍)',
        kind: 'MULTI_CHOICE',
        options: [1, 2, 3, 4, 5, 6],
      },
      {
        key: 'accidents',
        formField: 'A.2.14',
        zh: '近30天内意外事件',
        en: 'Accidents in the last 30 days',
        kind: 'EVENT_COUNTS',
        types: [
          { code: 'FALL', zh: '跌倒', en: 'Fall' },
          { code: 'WANDERING', zh: '走失', en: 'Wandering off' },
          { code: 'CHOKING', zh: '噎食', en: 'Choking' },
          { code: 'SUICIDE', zh: '自杀', en: 'Suicide' },
          { code: 'OTHER', zh: '其他', en: 'Other' },
        ],
        maxCount: 3, // 0 无 / 1 / 2 / ≥3 次
      },
    ],
    adjustments: {
      rules: [
        {
          id: 'COMA',
          zh: '处于昏迷状态者，直接评定为重度失能',
          en: 'In a coma (B.3.1 = 3): directly 重度失能',
          trigger: { kind: 'ITEM_POINTS', item: 'B.3.1', in: [3] },
          effect: { kind: 'SET_LEVEL', level: 3, itemsMayBeSkipped: true },
          source: src('MZ/T 039-2013 表6 注; C.3 等级变更条款; B.3.1', '1', ['S1']),
        },
        {
          id: 'DEMENTIA',
          zh: '确诊为认知障碍/痴呆',
          en: 'Diagnosed cognitive impairment or dementia (A.2.13.1 ≥ 1)',
          trigger: { kind: 'CHOICE_AT_LEAST', condition: 'dementia', min: 1 },
          effect: { kind: 'RAISE', levels: 1, group: 'DIAGNOSIS' },
          source: src('MZ/T 039-2013 表6 注; C.3', '1', ['S1', 'S11']),
        },
        {
          id: 'MENTAL_ILLNESS',
          zh: '确诊为精神疾病',
          en: 'Diagnosed mental illness (A.2.13.2)',
          trigger: { kind: 'ANY_SELECTED', condition: 'mentalIllnesses' },
          effect: { kind: 'RAISE', levels: 1, group: 'DIAGNOSIS' },
          source: src('MZ/T 039-2013 表6 注; C.3', '1', ['S1', 'S11']),
        },
        {
          id: 'ACCIDENTS',
          zh: '近30天内发生过2次及以上意外事件（如跌倒、噎食、自杀、走失）',
          en: '≥2 accidents in the last 30 days (A.2.14)',
          trigger: {
            kind: 'EVENT_COUNT',
            condition: 'accidents',
            types: o.accidentTypes,
            threshold: 2,
            counting: o.accidentCounting,
          },
          effect: { kind: 'RAISE', levels: 1, group: 'ACCIDENTS' },
          source: src('MZ/T 039-2013 表6 注; C.3', '1', ['S1', 'S11'], 'counting and 其他: none found (options)'),
        },
      ],
      maxTotalRaise: o.maxTotalRaise,
      maxTotalRaiseSource: src(
        'MZ/T 039-2013 表6 注',
        '1',
        ['S1'],
        '"有以下情况之一者…提高一个级别" reads as +1 in total; C.3 lists the items as separate clauses.',
      ),
    },
    reasons: [
      { code: 'FIRST', formValue: 1, zh: '接受服务前初评', en: 'Initial assessment before services start' },
      { code: 'ROUTINE', formValue: 2, zh: '接受服务后的常规评估', en: 'Routine assessment after services start' },
      { code: 'IMMEDIATE', formValue: 3, zh: '状况发生变化后的即时评估', en: 'Immediate assessment after a change' },
      {
        code: 'REASSESSMENT',
        formValue: 4,
        zh: '因评估结果有疑问进行的复评',
        en: 'Re-assessment because the result is disputed',
      },
    ],
    assessors: { required: o.requiredAssessors, source: src('MZ/T 039-2013 4.3.1, 4.3.4', '2+', ['S1', 'S11']) },
    reassessment: {
      intervalMonths: o.reassessmentIntervalMonths,
      byLevel: o.reassessmentByLevel,
      source: src('MZ/T 039-2013 4.3.5', '1', ['S1'], '"每6个月" without special change; immediate after a change'),
    },
  });
}

/** MZ/T 039-2013 with the reference's default reading. */
export const MZ_T_039_2013: RuleSet = buildMzT039RuleSet();
