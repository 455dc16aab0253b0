import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { AbilityLevel, DifficultyCategory, ElderStatus, LivingSituation } from './elder.entity.js';
import { parseResidentId } from './resident-id.js';
import { INT4_MAX, Nullable, PageQuery } from '#lib/kernel';

const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const COMMUNITY = /^\d{12}$/;

/** An 18-character resident ID number with a valid birth date and check digit (the message never echoes the value). */
export function IsResidentId(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isResidentId',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => parseResidentId(value).ok,
        defaultMessage: (args) => {
          const r = parseResidentId(args?.value);
          return `${args?.property} ${r.ok ? 'is invalid' : r.problem}`;
        },
      },
    });
}

export class EmergencyContactInput {
  @ApiProperty({ example: '王建国' })
  @IsString()
  @Length(1, 64)
  name: string;

  @ApiProperty({ example: '子女', description: 'relation to the elder' })
  @IsString()
  @Length(1, 32)
  relation: string;

  @ApiProperty({ example: '13800001111', description: 'stored encrypted' })
  @Matches(PHONE, { message: 'phone must be a mobile or landline number' })
  phone: string;

  @ApiPropertyOptional({ example: 1, description: '1 = call first' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9)
  priority?: number;
}

export class CreateElderDto {
  @ApiProperty({ example: '张秀英' })
  @IsString()
  @Length(1, 64)
  name: string;

  @ApiPropertyOptional({ enum: ['M', 'F'], description: 'derived from the ID number; if given it must match' })
  @IsOptional()
  @IsIn(['M', 'F'])
  gender?: 'M' | 'F';

  @ApiProperty({
    example: '11010519491231002X',
    description: '18-character resident ID number (check digit verified); stored encrypted',
  })
  @IsResidentId()
  idNumber: string;

  @ApiPropertyOptional({ example: '13912345678', description: 'stored encrypted' })
  @IsOptional()
  @Matches(PHONE, { message: 'phone must be a mobile or landline number' })
  phone?: string;

  @ApiProperty({ example: '乌海市海勃湾区新华东街3号楼2单元501', description: 'stored encrypted' })
  @IsString()
  @Length(4, 200)
  address: string;

  @ApiProperty({ example: '150302001001', description: 'community or village in your scope' })
  @Matches(COMMUNITY, { message: 'communityCode must be a 12-digit community or village code' })
  communityCode: string;

  @ApiPropertyOptional({ example: 39.6845, description: 'defaults to the community centre' })
  @IsOptional()
  @IsNumber()
  @IsLatitude()
  homeLat?: number;

  @ApiPropertyOptional({ example: 106.8205, description: 'defaults to the community centre' })
  @IsOptional()
  @IsNumber()
  @IsLongitude()
  homeLng?: number;

  @ApiProperty({ enum: LivingSituation })
  @IsEnum(LivingSituation)
  livingSituation: LivingSituation;

  @ApiPropertyOptional({ enum: DifficultyCategory, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsEnum(DifficultyCategory, { each: true })
  categories?: DifficultyCategory[];

  @ApiPropertyOptional({ enum: [0, 1, 2, 3, 4], description: 'GB/T 42195-2022: 0 能力完好 … 4 完全失能' })
  @IsOptional()
  @IsInt()
  @IsEnum(AbilityLevel)
  abilityLevel?: AbilityLevel;

  @ApiPropertyOptional({ description: 'sensitive; stored encrypted' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  healthNotes?: string;

  @ApiPropertyOptional({ type: [EmergencyContactInput] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => EmergencyContactInput)
  emergencyContacts?: EmergencyContactInput[];
}

export class UpdateElderDto {
  @ApiProperty({ description: 'the version you read; a newer one on the server answers 409' })
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @Nullable()
  @Matches(PHONE, { message: 'phone must be a mobile or landline number' })
  phone?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(4, 200)
  address?: string;

  @ApiPropertyOptional({ description: 'moving the elder: the new community must be in your scope too' })
  @IsOptional()
  @Matches(COMMUNITY, { message: 'communityCode must be a 12-digit community or village code' })
  communityCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber()
  @IsLatitude()
  homeLat?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber()
  @IsLongitude()
  homeLng?: number;

  @ApiPropertyOptional({ enum: LivingSituation })
  @IsOptional()
  @IsEnum(LivingSituation)
  livingSituation?: LivingSituation;

  @ApiPropertyOptional({ enum: DifficultyCategory, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsEnum(DifficultyCategory, { each: true })
  categories?: DifficultyCategory[];

  @ApiPropertyOptional({ enum: [0, 1, 2, 3, 4] })
  @IsOptional()
  @IsInt()
  @IsEnum(AbilityLevel)
  abilityLevel?: AbilityLevel;

  @ApiPropertyOptional({ nullable: true, type: String })
  @Nullable()
  @IsString()
  @MaxLength(2000)
  healthNotes?: string | null;

  @ApiPropertyOptional({ enum: ElderStatus })
  @IsOptional()
  @IsEnum(ElderStatus)
  status?: ElderStatus;

  @ApiPropertyOptional({ example: '2026-11-20', description: 'required when status is DECEASED' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'deceasedOn must be a date YYYY-MM-DD' })
  deceasedOn?: string;

  @ApiPropertyOptional({ type: [EmergencyContactInput], description: 'replaces the whole list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => EmergencyContactInput)
  emergencyContacts?: EmergencyContactInput[];
}

export class ListEldersQuery extends PageQuery {
  @ApiPropertyOptional({ example: '150302001001' })
  @IsOptional()
  @Matches(COMMUNITY, { message: 'communityCode must be a 12-digit community or village code' })
  communityCode?: string;

  @ApiPropertyOptional({ enum: LivingSituation })
  @IsOptional()
  @IsEnum(LivingSituation)
  livingSituation?: LivingSituation;

  @ApiPropertyOptional({ enum: DifficultyCategory })
  @IsOptional()
  @IsEnum(DifficultyCategory)
  category?: DifficultyCategory;

  @ApiPropertyOptional({
    description: 'an exact ID number or phone number (found by keyed hash), or the beginning of a name',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  q?: string;
}

export class EmergencyContactDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty() relation: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty() priority: number;
}

export class ElderDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String, description: 'masked for auditors' }) name: string | null;
  @ApiProperty({ enum: ['M', 'F'] }) gender: 'M' | 'F';
  @ApiProperty({ format: 'date', example: '1945-03-05' }) birthDate: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '150302********1222',
    description: 'always masked; clear only via /pii (audited)',
  })
  idNumber: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'clear for station/hub staff, dispatchers, elder and family',
  })
  phone: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty() communityCode: string;
  @ApiProperty({ description: 'exact for roles that see the address; rounded to ~1 km otherwise' }) homeLat: number;
  @ApiProperty() homeLng: number;
  @ApiProperty({ enum: LivingSituation }) livingSituation: LivingSituation;
  @ApiProperty({ enum: DifficultyCategory, isArray: true }) categories: DifficultyCategory[];
  @ApiProperty({ type: 'integer', enum: [0, 1, 2, 3, 4] }) abilityLevel: AbilityLevel;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'elder and family only (others: /pii); absent otherwise',
  })
  healthNotes?: string | null;
  @ApiProperty({ enum: ElderStatus }) status: ElderStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) deceasedOn: string | null;
  @ApiProperty({ type: 'integer', description: 'send it back with an edit (optimistic concurrency)' }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ type: [EmergencyContactDto] }) emergencyContacts?: EmergencyContactDto[];
  @ApiProperty({ type: [String], description: 'fields masked for your role' }) masked: string[];
}

export class ElderPageDto {
  @ApiProperty({ type: [ElderDto] }) items: ElderDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class ElderPiiDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() idNumber: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty() address: string;
  @ApiProperty({ nullable: true, type: String }) healthNotes: string | null;
  @ApiProperty({ type: [EmergencyContactDto] }) emergencyContacts: EmergencyContactDto[];
}
