import { describe, expect, it } from '@jest/globals';
import { ageOn, parseResidentId, residentIdCheckChar } from './resident-id.js';

/** Builds a valid number from 17 digits by appending the right check character. */
const withCheck = (first17: string) => first17 + residentIdCheckChar(first17);

describe('resident ID number (GB 11643-1999)', () => {
  it('accepts the well-known sample number and decodes birth date, gender and region', () => {
    // 11010519491231002X: the sample number printed in GB 11643 explanations (Beijing, 1949-12-31, female)
    const r = parseResidentId('11010519491231002X');
    expect(r).toEqual({
      ok: true,
      value: { idNumber: '11010519491231002X', regionCode: '110105', birthDate: '1949-12-31', gender: 'F' },
    });
  });

  it('computes the MOD 11-2 check character, including X for 10', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('15030219450305122')).toBe('2');
  });

  it('derives the gender from the 17th digit: odd is male, even is female', () => {
    const male = parseResidentId(withCheck('15030219450305123'));
    const female = parseResidentId(withCheck('15030219450305124'));
    expect(male.ok && male.value.gender).toBe('M');
    expect(female.ok && female.value.gender).toBe('F');
  });

  it('normalises a lower-case x and spaces', () => {
    const r = parseResidentId(' 110105 19491231 002x ');
    expect(r.ok && r.value.idNumber).toBe('11010519491231002X');
  });

  it('rejects a wrong check digit', () => {
    expect(parseResidentId('110105194912310021')).toEqual({ ok: false, problem: 'has a wrong check digit' });
    // a valid number (check digit 2) with its last digit changed
    expect(parseResidentId('150302194503051226')).toEqual({ ok: false, problem: 'has a wrong check digit' });
  });

  it.each([
    ['too short', '11010519491231002'],
    ['too long', '11010519491231002X1'],
    ['letters inside', '1101051949A231002X'],
    ['X not last', 'X10105194912310021'],
    ['empty', ''],
  ])('rejects a malformed number (%s)', (_name, value) => {
    const r = parseResidentId(value);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(/18 characters/);
  });

  it('rejects a non-string', () => {
    expect(parseResidentId(110105194912310020)).toEqual({ ok: false, problem: 'must be a string' });
  });

  it.each([
    ['month 13', '15030219451305123'],
    ['31 February', '15030219450231123'],
    ['29 February of a non-leap year', '15030219450229123'],
    ['year 1700', '15030217000101123'],
  ])('rejects an impossible birth date (%s) even with a correct check digit', (_name, first17) => {
    expect(parseResidentId(withCheck(first17))).toEqual({ ok: false, problem: 'has an invalid birth date' });
  });

  it('accepts 29 February of a leap year', () => {
    expect(parseResidentId(withCheck('15030219480229123')).ok).toBe(true);
  });

  it('rejects a birth date in the future', () => {
    const r = parseResidentId(withCheck('15030220300101123'), new Date('2026-11-22T00:00:00Z'));
    expect(r).toEqual({ ok: false, problem: 'has a birth date in the future' });
  });

  it('rejects a region code starting with 0 or 9', () => {
    expect(parseResidentId(withCheck('05030219450305123'))).toEqual({
      ok: false,
      problem: 'has an invalid region code',
    });
    expect(parseResidentId(withCheck('95030219450305123'))).toEqual({
      ok: false,
      problem: 'has an invalid region code',
    });
  });

  it('never repeats the number in the problem text', () => {
    const r = parseResidentId('110105194912310021');
    expect(!r.ok && r.problem).not.toContain('1101051949');
  });

  it('computes the age in full years', () => {
    expect(ageOn('1945-03-05', new Date('2026-03-04T12:00:00Z'))).toBe(80);
    expect(ageOn('1945-03-05', new Date('2026-03-05T12:00:00Z'))).toBe(81);
  });
});
