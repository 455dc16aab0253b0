/**
 * Chinese resident identity card number (居民身份证号码), GB 11643-1999:
 *   6 digits  address code (region of first registration)
 *   8 digits  birth date YYYYMMDD
 *   3 digits  sequence code; odd for men, even for women
 *   1 char    check code: ISO 7064 MOD 11-2 over the first 17 digits (0-9 or X for 10)
 */
export interface ResidentId {
  /** Normalised: no spaces, upper-case X. */
  idNumber: string;
  regionCode: string;
  /** ISO date YYYY-MM-DD */
  birthDate: string;
  gender: 'M' | 'F';
}

export type ResidentIdResult = { ok: true; value: ResidentId } | { ok: false; problem: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CODES = '10X98765432';

/** The check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CODES[sum % 11];
}

/**
 * Validates and decodes an 18-character resident ID number. `today` bounds the birth date (no
 * births in the future). The problem text never repeats the number itself (it is personal data).
 */
export function parseResidentId(raw: unknown, today: Date = new Date()): ResidentIdResult {
  if (typeof raw !== 'string') return { ok: false, problem: 'must be a string' };
  const id = raw.replace(/\s/g, '').toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'must be 18 characters: 17 digits and a digit or X' };
  if (!/^[1-9]\d{5}$/.test(id.slice(0, 6)) || !/^[1-8]/.test(id))
    return { ok: false, problem: 'has an invalid region code' };
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1880 || birth.getUTCFullYear() !== year || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day)
    return { ok: false, problem: 'has an invalid birth date' };
  if (birth.getTime() > today.getTime()) return { ok: false, problem: 'has a birth date in the future' };
  if (residentIdCheckChar(id) !== id[17]) return { ok: false, problem: 'has a wrong check digit' };
  return {
    ok: true,
    value: {
      idNumber: id,
      regionCode: id.slice(0, 6),
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      gender: Number(id[16]) % 2 === 1 ? 'M' : 'F',
    },
  };
}

/** Age in full years on `on` (birthday counted on the day). */
export function ageOn(birthDate: string, on: Date = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d)) age -= 1;
  return age;
}
