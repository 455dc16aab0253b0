import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import type { ValidatorOptions } from '@nestjs/common/interfaces/external/validator-options.interface.js';
import { getMetadataStorage } from 'class-validator';
import { findUnsafeText, isNullable } from '#lib/kernel';

export interface FieldError {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return own.concat(flatten(e.children ?? [], field));
  });
}

function validationFailed(fields: FieldError[]): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message: fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; '),
    details: { fields },
  });
}

type Class = abstract new (...args: never[]) => unknown;

/**
 * Whitelisting validation whose 400 names each wrong field and why, plus the input rules every DTO
 * gets without declaring them (libs/kernel/src/validation.ts): no control characters or lone
 * surrogates in any text of a body, query string or path parameter; no null unless the property is
 * @Nullable(); a query parameter given once.
 */
export class AppValidationPipe extends ValidationPipe {
  private readonly declared = new Map<unknown, Map<string, 'value' | 'nested'>>();

  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const fields: FieldError[] = findUnsafeText(value, metadata.data ?? '').map((p) => ({
        field: p.field,
        problems: [`${p.field} ${p.problem}`],
      }));
      if (metadata.type === 'query' && value && typeof value === 'object' && !metadata.data)
        for (const [key, v] of Object.entries(value as Record<string, unknown>))
          if (typeof v !== 'string') fields.push({ field: key, problems: [`${key} must be given once, as text`] });
      if (fields.length) throw validationFailed(fields);
    }
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    return mergeErrors(errors, this.shapeErrors(object));
  }

  /**
   * What class-validator lets through: null on a property that is not @Nullable() (also inside
   * nested DTOs), and an array where a nested DTO (@ValidateNested) is expected — class-validator
   * walks arrays of arrays down to nothing and reports no error for `[[[]]]`.
   */
  private shapeErrors(object: object, depth = 0): ValidationError[] {
    const cls = object.constructor as Class;
    if (depth > 16 || cls === Object || cls === Array) return [];
    const declared = this.propertiesOf(cls);
    const errors: ValidationError[] = [];
    for (const [key, v] of Object.entries(object)) {
      const kind = declared.get(key);
      if (!kind) continue;
      if (v === null && !isNullable(cls, key)) {
        errors.push({ property: key, constraints: { isNotNull: `${key} must not be null (omit it instead)` } });
        continue;
      }
      const nested: [string, unknown][] = Array.isArray(v)
        ? v.map((item, i) => [String(i), item])
        : v && typeof v === 'object'
          ? [['', v]]
          : [];
      const children = nested.flatMap(([index, item]): ValidationError[] => {
        const property = index || key;
        if (kind === 'nested' && (Array.isArray(item) || item === null))
          return [{ property, constraints: { isObject: `${index ? `${key}.${index}` : key} must be an object` } }];
        if (!item || typeof item !== 'object') return [];
        const inner = this.shapeErrors(item, depth + 1);
        return index && inner.length ? [{ property: index, children: inner }] : inner;
      });
      if (children.length) errors.push({ property: key, children });
    }
    return errors;
  }

  /** The validated properties of a DTO class, and which of them hold nested DTOs. */
  private propertiesOf(cls: Class): Map<string, 'value' | 'nested'> {
    let props = this.declared.get(cls);
    if (!props) {
      props = new Map();
      for (const m of getMetadataStorage().getTargetValidationMetadatas(cls as never, '', true, false))
        if (m.type === 'nestedValidation' || !props.has(m.propertyName))
          props.set(m.propertyName, m.type === 'nestedValidation' ? 'nested' : 'value');
      this.declared.set(cls, props);
    }
    return props;
  }
}

/** Adds the shape errors to class-validator's, in the same tree (one entry per property). */
function mergeErrors(errors: ValidationError[], extra: ValidationError[]): ValidationError[] {
  const out = [...errors];
  for (const e of extra) {
    const same = out.find((o) => o.property === e.property);
    if (!same) out.push(e);
    else if (e.constraints) same.constraints = { ...same.constraints, ...e.constraints };
    else same.children = mergeErrors(same.children ?? [], e.children ?? []);
  }
  return out;
}

/** The global pipe of the API (bootstrap.ts). */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe();
}
