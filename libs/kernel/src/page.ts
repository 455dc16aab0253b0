export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function clampLimit(limit: number | undefined, max = 200): number {
  if (!limit || limit < 1) return 50;
  return Math.min(limit, max);
}
