/**
 * When the next assessment falls due. Pure: dates are passed in (YYYY-MM-DD), nothing reads the clock.
 *
 * - No assessment yet: the first one is due on enrolment (首次评估 / 接受服务前初评).
 * - Otherwise the routine one is due `intervalMonths` after the last (MZ/T 039-2013 4.3.5: 6 months;
 *   GB/T 42195-2022: not found, default 12), or per level when the schedule says so.
 * - A change of condition recorded after the last assessment makes an immediate one (即时评估) due on
 *   the day of the change, if that is earlier than the routine date.
 */
import { AssessmentError, AssessmentErrorCode } from './assessment.errors.js';
import { addMonths, daysBetween, isCalendarDate } from './calendar-date.js';
import type { ReassessmentSchedule, RuleSet, SourceNote } from './types.js';

export interface ConditionChange {
  /** Day the change was recorded (illness, fall, hospital discharge, coma status changed, …). */
  on: string;
  note?: string;
}

export interface ReassessmentInput {
  last: { assessedOn: string; finalLevel: number } | null;
  /** When the elder entered the programme; required when there is no assessment yet. */
  enrolledOn?: string;
  conditionChanges?: readonly ConditionChange[];
}

export interface ReassessmentDue {
  dueOn: string;
  /** The reason the next assessment will carry. */
  reason: 'FIRST' | 'ROUTINE' | 'IMMEDIATE';
  /** The routine date, also when an earlier change made the assessment due sooner. */
  routineDueOn: string | null;
  triggeredBy: ConditionChange | null;
  explanation: string;
  source: SourceNote;
}

function invalid(message: string): AssessmentError {
  return new AssessmentError(AssessmentErrorCode.INVALID_DUE_INPUT, message);
}

/** The interval in months after an assessment with this final level. */
export function intervalMonthsFor(schedule: ReassessmentSchedule, finalLevel: number): number {
  return schedule.byLevel[finalLevel] ?? schedule.intervalMonths;
}

export function reassessmentDue(
  rs: RuleSet,
  input: ReassessmentInput,
  override: Partial<Pick<ReassessmentSchedule, 'intervalMonths' | 'byLevel'>> = {},
): ReassessmentDue {
  const schedule: ReassessmentSchedule = { ...rs.reassessment, ...override };
  const months = [schedule.intervalMonths, ...Object.values(schedule.byLevel)];
  if (!months.every((m) => Number.isInteger(m) && (m as number) >= 1)) {
    throw invalid('re-assessment intervals must be positive whole months');
  }
  const changes = input.conditionChanges ?? [];
  for (const c of changes) if (!isCalendarDate(c.on)) throw invalid(`condition change date is not YYYY-MM-DD: ${c.on}`);

  if (input.last === null) {
    if (!isCalendarDate(input.enrolledOn))
      throw invalid('without a last assessment, enrolledOn (YYYY-MM-DD) is required');
    return {
      dueOn: input.enrolledOn,
      reason: 'FIRST',
      routineDueOn: null,
      triggeredBy: null,
      explanation: `no assessment yet: the first is due on enrolment (${input.enrolledOn})`,
      source: schedule.source,
    };
  }

  const { assessedOn, finalLevel } = input.last;
  if (!isCalendarDate(assessedOn)) throw invalid(`last.assessedOn is not YYYY-MM-DD: ${assessedOn}`);
  if (!rs.levels.some((l) => l.value === finalLevel)) throw invalid(`${rs.id} has no level ${finalLevel}`);

  const interval = intervalMonthsFor(schedule, finalLevel);
  const routineDueOn = addMonths(assessedOn, interval);
  // A change on the day of the last assessment is taken as covered by it.
  const after = changes.filter((c) => c.on > assessedOn).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  const first = after[0];
  if (first && first.on <= routineDueOn) {
    return {
      dueOn: first.on,
      reason: 'IMMEDIATE',
      routineDueOn,
      triggeredBy: first,
      explanation:
        `condition changed on ${first.on}${first.note ? ` (${first.note})` : ''}, after the assessment of ${assessedOn}: ` +
        `an immediate assessment is due at once (routine date ${routineDueOn})`,
      source: schedule.source,
    };
  }
  return {
    dueOn: routineDueOn,
    reason: 'ROUTINE',
    routineDueOn,
    triggeredBy: null,
    explanation: `${interval} month(s) after the assessment of ${assessedOn} (level ${finalLevel}; ${schedule.source.clause})`,
    source: schedule.source,
  };
}

export type DueStatus = 'OVERDUE' | 'DUE_TODAY' | 'DUE_SOON' | 'NOT_DUE';

/** Where a due date stands on `today`; DUE_SOON within `soonDays` days. */
export function dueStatus(dueOn: string, today: string, soonDays = 30): { status: DueStatus; daysUntilDue: number } {
  if (!isCalendarDate(dueOn) || !isCalendarDate(today)) throw invalid('dueOn and today must be YYYY-MM-DD');
  const daysUntilDue = daysBetween(today, dueOn);
  const status: DueStatus =
    daysUntilDue < 0 ? 'OVERDUE' : daysUntilDue === 0 ? 'DUE_TODAY' : daysUntilDue <= soonDays ? 'DUE_SOON' : 'NOT_DUE';
  return { status, daysUntilDue };
}
