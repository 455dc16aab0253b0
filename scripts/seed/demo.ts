import type { DataSource } from 'typeorm';

/** Placeholder until the seed generator lands: returns undefined when nothing was loaded. */
export async function seedDemo(ds: DataSource): Promise<string | undefined> {
  const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM region`)) as { n: number }[];
  if (n > 0) return undefined;
  return undefined;
}
