import { describe, expect, it } from '@jest/globals';
import { COVERAGE_CSV_HEADER, coverageCsv, csvField, UTF8_BOM } from './coverage-csv.js';
import type { CoverageReport } from './coverage.js';

describe('coverage CSV', () => {
  it('writes null as an empty field, numbers and booleans as they are', () => {
    expect([csvField(null), csvField(23.4), csvField(0), csvField(false), csvField('MEAL')]).toEqual([
      '',
      '23.4',
      '0',
      'false',
      'MEAL',
    ]);
  });

  it('quotes a field with a comma, quote or line break (RFC 4180)', () => {
    expect(csvField('康乐,居家')).toBe('"康乐,居家"');
    expect(csvField('the "best" one')).toBe('"the ""best"" one"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses a text a spreadsheet would run as a formula (a provider name is typed by people)', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(['+1', '-1', '@SUM(A1)', '\tx'].map(csvField)).toEqual(["'+1", "'-1", "'@SUM(A1)", "'\tx"]);
  });

  it('starts with the BOM, has one header row and a row per cell, CRLF line ends', () => {
    const report: CoverageReport = {
      regionCode: '1',
      regionName: 'city',
      regionLevel: 'CITY',
      date: '2026-05-04',
      serviceTypes: [{ code: 'MEAL', nameZh: '助餐', nameEn: 'Meals' }],
      serviceCircleMinutes: { URBAN: 15, RURAL: 30 },
      areas: [],
      cells: [
        {
          communityCode: '1111',
          communityName: '新华东社区',
          level: 'COMMUNITY',
          areaType: 'URBAN',
          streetCode: '111',
          districtCode: '11',
          serviceType: 'MEAL',
          limitMinutes: 15,
          status: 'NO_PROVIDER',
          withinCircle: false,
          contractedProviders: 0,
          nearestProviderId: null,
          nearestProviderName: null,
          travelMinutes: null,
          distanceMeters: null,
          elders: { covered: 0, total: 0, share: null },
        },
      ],
    };
    const csv = coverageCsv(
      report,
      new Map([
        ['111', '新华街道'],
        ['11', '海勃湾区'],
      ]),
    );
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      COVERAGE_CSV_HEADER.join(','),
      '2026-05-04,11,海勃湾区,111,新华街道,1111,新华东社区,COMMUNITY,URBAN,MEAL,助餐,Meals,NO_PROVIDER,false,15,,,,,0,0,0,',
      '',
    ]);
  });
});
