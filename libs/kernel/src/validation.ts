import 'reflect-metadata';
import { buildMessage, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * Input rules every DTO gets without declaring them (enforced by the API's global validation pipe,
 * apps/api/src/http/validation.pipe.ts), and the few declarations that opt out of them.
 *
 * 1. Text: no string anywhere in a body, query string or path (nor an object key) may hold a C0
 *    control character other than TAB, LF and CR, DEL, a C1 control character, or a lone UTF-16
 *    surrogate. PostgreSQL refuses NUL in text (22021) and in jsonb (22P05); the others are never
 *    typed by a person and only corrupt what staff read (ESC sequences in a console, BEL); a lone
 *    surrogate cannot be encoded in UTF-8 and would be stored as U+FFFD. TAB, LF and CR stay
 *    allowed everywhere: free-text fields (notes, reasons, health notes) hold them legitimately,
 *    and structured fields refuse them through their own patterns.
 * 2. null: a property that is null is refused by name ("must not be null: omit it instead") unless
 *    the DTO declares it @Nullable() — for the few fields where null is a value (it clears the
 *    phone, "no qualification needed", …). class-validator's @IsOptional lets null through, and a
 *    NOT NULL column then fails with a 500; this closes that for every DTO, present and future.
 * 3. Numbers: every numeric field has a @Min and a @Max inside its column's type (INT4 / INT2
 *    below); a unit test cross-checks the DTOs against the entities' columns.
 */

/** PostgreSQL integer (int4) and smallint (int2) ranges. */
export const INT4_MAX = 2_147_483_647;
export const INT4_MIN = -2_147_483_648;
export const INT2_MAX = 32_767;
export const INT2_MIN = -32_768;

const NULLABLE = 'eldercare:nullable-properties';

/**
 * The property may be omitted, or be null as a value of its own (documented: what null means).
 * Without this, the global pipe refuses null. Validation of the other rules is skipped for null
 * and undefined (like @IsOptional).
 */
export function Nullable(options?: ValidationOptions): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    ValidateIf((_, v: unknown) => v !== null && v !== undefined, options)(target, property);
    const own = (Reflect.getOwnMetadata(NULLABLE, target) as Set<string | symbol> | undefined) ?? new Set();
    own.add(property);
    Reflect.defineMetadata(NULLABLE, own, target);
  };
}

/** Was the property of this class (or a parent class) declared @Nullable()? */
export function isNullable(cls: abstract new (...args: never[]) => unknown, property: string): boolean {
  for (let proto: object | null = cls.prototype as object; proto; proto = Object.getPrototypeOf(proto) as object | null)
    if ((Reflect.getOwnMetadata(NULLABLE, proto) as Set<string> | undefined)?.has(property)) return true;
  return false;
}

// C0 controls but TAB (09), LF (0A), CR (0D); DEL (7F); C1 controls (80–9F)
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with this text (rule 1 above), or null when it is fine. Never echoes the value. */
export function unsafeTextProblem(text: string): string | null {
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `must not contain control characters (found U+${code} at position ${control.index})`;
  }
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) return `must be well-formed Unicode (a lone surrogate at position ${surrogate.index})`;
  return null;
}

export interface TextProblem {
  /** dotted path: name, emergencyContacts.0.phone, openingHours (for a key) */
  field: string;
  problem: string;
}

/**
 * Every string (and object key) in a parsed body, query or path value that breaks rule 1, with its
 * path. `root` names the value itself when it is a string (a path parameter such as `id`).
 */
export function findUnsafeText(value: unknown, root = ''): TextProblem[] {
  const found: TextProblem[] = [];
  const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);
  const walk = (v: unknown, path: string, depth: number): void => {
    if (typeof v === 'string') {
      const problem = unsafeTextProblem(v);
      if (problem) found.push({ field: path || root || 'value', problem });
      return;
    }
    // bodies are depth-limited before parsing; this bound only keeps a direct caller safe
    if (typeof v !== 'object' || v === null || depth > 64) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, join(path, String(i)), depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
      const keyProblem = unsafeTextProblem(key);
      if (keyProblem) {
        found.push({ field: path || root || 'value', problem: `keys ${keyProblem}` });
        continue;
      }
      walk(item, join(path, key), depth + 1);
    }
  };
  walk(value, '', 0);
  return found;
}

/** Whether `value` is a real calendar day written YYYY-MM-DD (2026-02-30 and 2026-13-01 are not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** class-validator: a real calendar day YYYY-MM-DD (`isCalendarDate`). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => isCalendarDate(value),
        defaultMessage: buildMessage((each) => `${each}$property must be a calendar date YYYY-MM-DD`, options),
      },
    },
    options,
  );
}
