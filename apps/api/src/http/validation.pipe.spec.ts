import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Nullable, PageQuery } from '#lib/kernel';
import { createValidationPipe } from './validation.pipe.js';

class Contact {
  @IsString()
  name: string;

  @IsOptional()
  @IsInt()
  priority?: number;
}

class Body {
  @IsString()
  name: string;

  @IsOptional()
  @IsString()
  note?: string;

  @Nullable()
  @IsString()
  phone?: string | null;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Contact)
  contacts?: Contact[];
}

const pipe = createValidationPipe();
const body: ArgumentMetadata = { type: 'body', metatype: Body };

/** The fields of the 400, or 'passed'. */
async function fieldsOf(value: unknown, metadata: ArgumentMetadata = body): Promise<unknown> {
  try {
    await pipe.transform(value, metadata);
    return 'passed';
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestException);
    const res = (e as BadRequestException).getResponse() as {
      code: string;
      message: string;
      details: { fields: { field: string; problems: string[] }[] };
    };
    expect(res.code).toBe('VALIDATION_FAILED');
    for (const f of res.details.fields) expect(res.message).toContain(f.field);
    return res.details.fields;
  }
}

describe('the global validation pipe', () => {
  it('refuses null on an optional field by name, also inside nested DTOs', async () => {
    expect(await fieldsOf({ name: 'a', note: null })).toEqual([
      { field: 'note', problems: ['note must not be null (omit it instead)'] },
    ]);
    expect(await fieldsOf({ name: 'a', contacts: [{ name: 'b' }, { name: 'c', priority: null }] })).toEqual([
      { field: 'contacts.1.priority', problems: ['priority must not be null (omit it instead)'] },
    ]);
  });

  it('refuses arrays where a nested DTO is expected (class-validator passes [[[]]] silently)', async () => {
    expect(await fieldsOf({ name: 'a', contacts: [[[]]] })).toEqual([
      { field: 'contacts.0', problems: ['contacts.0 must be an object'] },
    ]);
    expect(await fieldsOf({ name: 'a', contacts: [{ name: 'b' }] })).toBe('passed');
  });

  it('adds the null problem to a required field’s own problems (one entry per field)', async () => {
    const fields = (await fieldsOf({ name: null })) as { field: string; problems: string[] }[];
    expect(fields.map((f) => f.field)).toEqual(['name']);
    expect(fields[0].problems).toEqual(expect.arrayContaining(['name must not be null (omit it instead)']));
  });

  it('lets null through where the DTO declares @Nullable(), and a missing field anywhere', async () => {
    expect(await fieldsOf({ name: 'a', phone: null })).toBe('passed');
    expect(await fieldsOf({ name: 'a' })).toBe('passed');
  });

  it('refuses control characters and lone surrogates in any text, naming the field, before anything else', async () => {
    expect(await fieldsOf({ name: 'a\u0000', contacts: [{ name: '\u001b[2J' }], extra: 'ok\ud800' })).toEqual([
      { field: 'name', problems: ['name must not contain control characters (found U+0000 at position 1)'] },
      {
        field: 'contacts.0.name',
        problems: ['contacts.0.name must not contain control characters (found U+001B at position 0)'],
      },
      { field: 'extra', problems: ['extra must be well-formed Unicode (a lone surrogate at position 2)'] },
    ]);
    expect(await fieldsOf({ name: '第一行\n第二行\t', note: 'a\r\nb' })).toBe('passed');
  });

  it('checks path parameters and query strings too, and a query parameter given twice', async () => {
    expect(await fieldsOf('abc\u0000', { type: 'param', data: 'id', metatype: String })).toEqual([
      { field: 'id', problems: ['id must not contain control characters (found U+0000 at position 3)'] },
    ]);
    expect(await fieldsOf('ok', { type: 'param', data: 'id', metatype: String })).toBe('passed');
    const query: ArgumentMetadata = { type: 'query', metatype: PageQuery };
    expect(await fieldsOf({ limit: ['1', '2'] }, query)).toEqual([
      { field: 'limit', problems: ['limit must be given once, as text'] },
    ]);
    expect(await fieldsOf({ offset: '2147483648' }, query)).toEqual([
      { field: 'offset', problems: ['offset must not be greater than 2147483647'] },
    ]);
    expect(await fieldsOf({ limit: '10', offset: '0' }, query)).toBe('passed');
  });
});
