import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Role } from '#lib/kernel';

/** A phone number as typed: digits with optional +, spaces or dashes (normalised before lookup). */
export const PHONE_INPUT = /^\+?[0-9][0-9 -]{5,19}$/;

export class LoginDto {
  @ApiProperty({ example: '13900000000', description: 'the phone number of the account' })
  @IsString()
  @Matches(PHONE_INPUT, { message: 'phone must be a phone number (digits, optionally with +, spaces or dashes)' })
  phone: string;

  @ApiProperty({ example: 'Elder-Care-2026!' })
  @IsString()
  @Length(1, 128)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'the refresh token of the last sign-in or refresh (each one works once)' })
  @IsString()
  @Length(20, 200)
  refreshToken: string;
}

export class CodeRequestDto {
  @ApiProperty({ example: '13900000000', description: 'phone of an elder or family account' })
  @IsString()
  @Matches(PHONE_INPUT, { message: 'phone must be a phone number (digits, optionally with +, spaces or dashes)' })
  phone: string;
}

export class CodeVerifyDto extends CodeRequestDto {
  @ApiProperty({ example: '123456', description: 'the 6-digit code sent by SMS' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class ChangePasswordDto {
  @ApiPropertyOptional({ description: 'required when the account has a password' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  currentPassword?: string;

  @ApiProperty({ description: 'at least 10 characters, with letters and digits' })
  @IsString()
  @Length(10, 128)
  newPassword: string;
}

export class SessionUserDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty() displayName: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT (HS256), send as Authorization: Bearer …' }) accessToken: string;
  @ApiProperty({ description: 'opaque; rotates on every refresh, a reused one ends the session' }) refreshToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ example: 900, description: 'access token lifetime in seconds' }) expiresIn: number;
  @ApiProperty({ type: SessionUserDto }) user: SessionUserDto;
}

export class CodeSentDto {
  @ApiProperty({ description: 'always true: the answer does not tell whether the phone is registered' }) sent: true;
  @ApiProperty({ example: 300 }) expiresIn: number;
}

export class ElderLinkDto {
  @ApiProperty() elderId: string;
  @ApiProperty({ example: '子女' }) relation: string;
}

export class ProfileDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty() displayName: string;
  @ApiProperty({ example: '139****0000', nullable: true, type: String }) phoneMasked: string | null;
  @ApiProperty({ nullable: true, type: String }) regionCode: string | null;
  @ApiProperty({ nullable: true, type: String }) regionPath: string | null;
  @ApiProperty({ nullable: true, type: String }) providerId: string | null;
  @ApiProperty({ nullable: true, type: String }) workerId: string | null;
  @ApiProperty({ type: [ElderLinkDto] }) elders: ElderLinkDto[];
  @ApiProperty({ example: 'zh-CN' }) locale: string;
}
