import type { CoverageCell, CoverageReport } from './coverage.js';

/** UTF-8 byte order mark: Excel reads a CSV without it in the system's ANSI code page (Chinese becomes mojibake). */
export const UTF8_BOM = '\uFEFF';

type Value = string | number | boolean | null;
type Column = [header: string, value: (cell: CoverageCell, ctx: CsvContext) => Value];

interface CsvContext {
  report: CoverageReport;
  regionName: (code: string | null) => string | null;
  typeName: (code: string) => { nameZh: string; nameEn: string } | undefined;
}

/** The columns, in order: English codes in the header, Chinese names as columns of their own. */
const COLUMNS: Column[] = [
  ['date', (_, x) => x.report.date],
  ['district_code', (c) => c.districtCode],
  ['district_name', (c, x) => x.regionName(c.districtCode)],
  ['street_code', (c) => c.streetCode],
  ['street_name', (c, x) => x.regionName(c.streetCode)],
  ['community_code', (c) => c.communityCode],
  ['community_name', (c) => c.communityName],
  ['level', (c) => c.level],
  ['area_type', (c) => c.areaType],
  ['service_type', (c) => c.serviceType],
  ['service_type_name_zh', (c, x) => x.typeName(c.serviceType)?.nameZh ?? null],
  ['service_type_name_en', (c, x) => x.typeName(c.serviceType)?.nameEn ?? null],
  ['status', (c) => c.status],
  ['within_circle', (c) => c.withinCircle],
  ['limit_minutes', (c) => c.limitMinutes],
  ['travel_minutes', (c) => c.travelMinutes],
  ['distance_m', (c) => c.distanceMeters],
  ['nearest_provider_id', (c) => c.nearestProviderId],
  ['nearest_provider_name', (c) => c.nearestProviderName],
  ['contracted_providers', (c) => c.contractedProviders],
  ['elders_total', (c) => c.elders.total],
  ['elders_covered', (c) => c.elders.covered],
  ['elders_covered_share', (c) => c.elders.share],
];

export const COVERAGE_CSV_HEADER: readonly string[] = COLUMNS.map(([h]) => h);

/**
 * One field: empty for null; quoted when it holds a comma, quote or line break (RFC 4180); a text that
 * a spreadsheet would run as a formula (= + - @, tab, CR) is prefixed with an apostrophe (OWASP CSV injection).
 */
export function csvField(value: Value): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report's cells as CSV: UTF-8 with BOM, CRLF line ends, a header row, one row per community ×
 * service type. `regionNames` names the streets and districts (also those above the report's region).
 */
export function coverageCsv(report: CoverageReport, regionNames: ReadonlyMap<string, string>): string {
  const types = new Map(report.serviceTypes.map((t) => [t.code, t]));
  const ctx: CsvContext = {
    report,
    regionName: (code) => (code === null ? null : (regionNames.get(code) ?? null)),
    typeName: (code) => types.get(code),
  };
  const lines = [COVERAGE_CSV_HEADER.join(',')];
  for (const cell of report.cells) lines.push(COLUMNS.map(([, value]) => csvField(value(cell, ctx))).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
