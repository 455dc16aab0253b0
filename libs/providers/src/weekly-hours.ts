import { registerDecorator, type ValidationOptions } from 'class-validator';
import type { WeeklyHours } from './provider.entity.js';

const DAYS = new Set(['1', '2', '3', '4', '5', '6', '7']);
const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/**
 * Checks opening hours / shifts: ISO weekday "1".."7" → list of "HH:MM-HH:MM" ranges, start before
 * end, at most 6 ranges a day. Returns what is wrong, or null when the value is fine.
 */
export function weeklyHoursProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'must be an object of weekday → ranges';
  for (const [day, ranges] of Object.entries(value as Record<string, unknown>)) {
    if (!DAYS.has(day)) return `day "${day}" must be an ISO weekday 1 (Monday) … 7 (Sunday)`;
    if (!Array.isArray(ranges) || ranges.length > 6) return `day ${day} must be a list of at most 6 ranges`;
    for (const r of ranges) {
      if (typeof r !== 'string' || !RANGE.test(r)) return `day ${day}: "${String(r)}" must look like 08:00-17:30`;
      const [from, to] = r.split('-');
      if (from >= to) return `day ${day}: ${r} must start before it ends`;
    }
  }
  return null;
}

/** Is the instant inside the weekly hours (evaluated in China Standard Time, UTC+8, no DST)? */
export function withinWeeklyHours(hours: WeeklyHours, at: Date): boolean {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  const day = String(local.getUTCDay() === 0 ? 7 : local.getUTCDay()) as keyof WeeklyHours;
  const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return (hours[day] ?? []).some((r) => {
    const [from, to] = r.split('-');
    return hhmm >= from && hhmm < to;
  });
}

export function IsWeeklyHours(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isWeeklyHours',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => weeklyHoursProblem(value) === null,
        defaultMessage: (args) => `${args?.property}: ${weeklyHoursProblem(args?.value) ?? 'invalid'}`,
      },
    });
}
