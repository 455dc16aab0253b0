import type { WeeklyHours } from '#lib/providers';

/** The platform evaluates opening hours, shifts and contract dates in China Standard Time (UTC+8, no DST). */
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Local calendar date "YYYY-MM-DD" of an instant (contract validity is a local date). */
export function localDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Start of the local month of an instant, as an instant (for "work shared over the month"). */
export function localMonthStart(at: Date): Date {
  const local = new Date(at.getTime() + OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - OFFSET_MS);
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Weekly hours parsed once: index 0..6 = ISO weekday 1..7 → sorted, merged [from, to) minute ranges. */
export type CompiledHours = ReadonlyArray<ReadonlyArray<readonly [number, number]>>;

/** Parses and merges each weekday's ranges ("08:00-12:00" + "12:00-18:00" become one range). */
export function compileWeeklyHours(hours: WeeklyHours): CompiledHours {
  return (['1', '2', '3', '4', '5', '6', '7'] as const).map((day) => {
    const ranges = (hours[day] ?? [])
      .map((r) => r.split('-'))
      .map(([a, b]) => [toMinutes(a), toMinutes(b)] as [number, number])
      .sort((x, y) => x[0] - y[0]);
    const out: Array<[number, number]> = [];
    for (const r of ranges) {
      const last = out[out.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else out.push([r[0], r[1]]);
    }
    return out;
  });
}

/**
 * Does the weekly schedule cover every instant of [from, to)? Works across midnight (a shift ending at
 * 24:00 continues into the next day's range starting at 00:00) and across adjacent ranges of one day.
 * An empty interval (to ≤ from) is covered when `from` itself is.
 */
export function coversInterval(hours: WeeklyHours | CompiledHours, from: Date, to: Date): boolean {
  return coversMs(
    Array.isArray(hours) ? (hours as CompiledHours) : compileWeeklyHours(hours as WeeklyHours),
    from.getTime(),
    to.getTime(),
  );
}

/** `coversInterval` on epoch milliseconds and compiled hours (the batch model's hot path). */
export function coversMs(hours: CompiledHours, fromMs: number, toMs: number): boolean {
  let start = fromMs + OFFSET_MS;
  const end = Math.max(toMs + OFFSET_MS, start + 1);
  while (start < end) {
    const dayStart = Math.floor(start / DAY_MS) * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const ranges = hours[weekday === 0 ? 6 : weekday - 1];
    const segEnd = Math.min(end, dayStart + DAY_MS);
    const a = (start - dayStart) / MINUTE_MS;
    const b = (segEnd - dayStart) / MINUTE_MS;
    if (!ranges.some(([f, t]) => f <= a && b <= t)) return false;
    start = segEnd;
  }
  return true;
}
