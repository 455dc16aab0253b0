import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { ALL_ROLES, PageQuery, Role } from '#lib/kernel';
import { UserStatus } from '../identity.entity.js';

/** Roles an administrator can give (SOS devices are registered, not created as users). */
export const ASSIGNABLE_ROLES: readonly Role[] = ALL_ROLES.filter((r) => r !== Role.SOS_DEVICE);

export class ElderLinkInput {
  @ApiProperty()
  @IsUUID()
  elderId: string;

  @ApiProperty({ example: '子女', description: '子女, 配偶, 孙辈, 其他亲属 …' })
  @IsString()
  @Length(1, 32)
  relation: string;
}

export class CreateUserDto {
  @ApiProperty({ example: '王站长' })
  @IsString()
  @Length(1, 64)
  displayName: string;

  @ApiProperty({ example: '13900000000', description: 'mainland mobile number, used to sign in' })
  @IsString()
  @Matches(/^1[3-9]\d{9}$/, { message: 'phone must be an 11-digit mainland mobile number' })
  phone: string;

  @ApiPropertyOptional({
    description: 'required for staff, provider and worker accounts; elders and family may use one-time codes',
  })
  @IsOptional()
  @IsString()
  @Length(10, 128)
  password?: string;

  @ApiProperty({ enum: ASSIGNABLE_ROLES })
  @IsIn(ASSIGNABLE_ROLES as Role[])
  role: Role;

  @ApiPropertyOptional({
    example: '150302001001',
    description:
      'region scope: STATION_STAFF community/village, HUB_STAFF street, DISTRICT_DISPATCHER district, AUDITOR district or city, PLATFORM_ADMIN city',
  })
  @IsOptional()
  @Matches(/^\d{6,12}$/, { message: 'regionCode must be a 6 to 12 digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ description: 'PROVIDER_ADMIN and WORKER' })
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional({ description: 'WORKER: the worker record (of providerId) this account is' })
  @IsOptional()
  @IsUUID()
  workerId?: string;

  @ApiPropertyOptional({ description: 'ELDER: the elder this account is' })
  @IsOptional()
  @IsUUID()
  elderId?: string;

  @ApiPropertyOptional({ type: [ElderLinkInput], description: 'FAMILY: the elders this person is linked to' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ElderLinkInput)
  elders?: ElderLinkInput[];
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ASSIGNABLE_ROLES })
  @IsOptional()
  @IsIn(ASSIGNABLE_ROLES as Role[])
  role?: Role;

  @ApiPropertyOptional({ description: 'users scoped at this region or below' })
  @IsOptional()
  @Matches(/^\d{6,12}$/, { message: 'regionCode must be a 6 to 12 digit region code' })
  regionCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  providerId?: string;

  @ApiPropertyOptional({ enum: UserStatus })
  @IsOptional()
  @IsIn(Object.values(UserStatus))
  status?: UserStatus;
}

export class UserDto {
  @ApiProperty() id: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ example: '139****0000', nullable: true, type: String }) phoneMasked: string | null;
  @ApiProperty({ nullable: true, type: String }) regionCode: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) providerId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) workerId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) elderId: string | null;
  @ApiProperty({ type: [ElderLinkInput] }) elders: ElderLinkInput[];
  @ApiProperty({ enum: UserStatus }) status: UserStatus;
  @ApiProperty() createdAt: Date;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
