import { describe, expect, it } from '@jest/globals';
import { IsOptional, IsString, validate } from 'class-validator';
import { findUnsafeText, isNullable, Nullable, unsafeTextProblem } from './validation.js';

describe('unsafeTextProblem', () => {
  it.each([
    ['NUL', 'a\u0000b', 'U+0000 at position 1'],
    ['BEL', 'x\u0007', 'U+0007'],
    ['ESC (terminal sequences)', '\u001b[31mred', 'U+001B at position 0'],
    ['vertical tab', 'a\u000bb', 'U+000B'],
    ['DEL', 'a\u007f', 'U+007F'],
    ['a C1 control', 'a\u0085', 'U+0085'],
  ])('refuses %s', (_name, text, where) => {
    expect(unsafeTextProblem(text)).toContain(where);
  });

  it('refuses lone surrogates (high without low, low without high) and never echoes the text', () => {
    expect(unsafeTextProblem('ab\ud800')).toBe('must be well-formed Unicode (a lone surrogate at position 2)');
    expect(unsafeTextProblem('\udc00x')).toContain('position 0');
    expect(unsafeTextProblem('secret\u0000')).not.toContain('secret');
  });

  it.each([
    ['plain text', '张秀英'],
    ['TAB, LF and CR (free text)', '第一行\r\n\t第二行'],
    ['a surrogate pair (emoji, rare CJK)', '好评👍 𠀀'],
    ['the empty string', ''],
    ['U+00A0 and other printable Latin-1', 'a\u00a0é'],
  ])('accepts %s', (_name, text) => {
    expect(unsafeTextProblem(text)).toBeNull();
  });
});

describe('findUnsafeText', () => {
  it('names every bad string by its path, in objects and arrays, and bad keys by their object', () => {
    const found = findUnsafeText({
      name: 'ok',
      note: 'a\u0000',
      emergencyContacts: [{ name: 'ok' }, { relation: '\u001b' }],
      openingHours: { '1\u0000': ['08:00-12:00'] },
      tags: ['x', 'y\u0007'],
      n: 5,
      nothing: null,
    });
    expect(found.map((f) => f.field)).toEqual(['note', 'emergencyContacts.1.relation', 'openingHours', 'tags.1']);
    expect(found[2].problem).toMatch(/^keys must not contain control characters/);
  });

  it('names a bare string by the root name given (a path parameter)', () => {
    expect(findUnsafeText('abc\u0000', 'id')).toEqual([
      { field: 'id', problem: 'must not contain control characters (found U+0000 at position 3)' },
    ]);
    expect(findUnsafeText('fine', 'id')).toEqual([]);
    expect(findUnsafeText(undefined)).toEqual([]);
  });
});

describe('@Nullable()', () => {
  class Parent {
    @Nullable()
    @IsString()
    phone?: string | null;

    @IsOptional()
    @IsString()
    name?: string;
  }
  class Child extends Parent {}

  it('is recorded per property and inherited', () => {
    expect(isNullable(Parent, 'phone')).toBe(true);
    expect(isNullable(Child, 'phone')).toBe(true);
    expect(isNullable(Parent, 'name')).toBe(false);
  });

  it('skips the other rules for null and undefined, and applies them to any other value', async () => {
    const of = (v: Partial<Parent>) => Object.assign(new Parent(), v);
    expect(await validate(of({ phone: null }))).toEqual([]);
    expect(await validate(of({}))).toEqual([]);
    expect((await validate(of({ phone: 42 as never }))).map((e) => e.property)).toEqual(['phone']);
  });
});
