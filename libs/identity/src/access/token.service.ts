import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '#lib/kernel';
import { IdentityError, IdentityErrorCode } from '../identity.errors.js';

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  /** token version: refused when the user's tokenVersion has moved on */
  tv: number;
  /** refresh-token family (session) this access token belongs to */
  sid?: string;
}

export interface IdentityOptions {
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  maxFailedLogins: number;
  lockoutMinutes: number;
  authRateLimitPerMinute: number;
}
export const IDENTITY_OPTIONS = Symbol('IDENTITY_OPTIONS');

/** Short-lived HS256 access tokens. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
  ) {
    // A KeyObject, built once: given a string, jsonwebtoken first tries it as a public key on
    // every call (~0.8 ms), which is most of the cost of authenticating a request.
    this.key = createSecretKey(Buffer.from(options.jwtSecret, 'utf8')) as unknown as Buffer;
  }

  /** Typed as Buffer for @nestjs/jwt; jsonwebtoken accepts the KeyObject. */
  private readonly key: Buffer;

  issueAccessToken(claims: AccessTokenClaims): string {
    return this.jwt.sign(
      { ...claims },
      { secret: this.key, expiresIn: this.options.accessTokenTtlSeconds, algorithm: 'HS256' },
    );
  }

  verifyAccessToken(token: string): AccessTokenClaims {
    try {
      return this.jwt.verify<AccessTokenClaims>(token, { secret: this.key, algorithms: ['HS256'] });
    } catch (err) {
      if ((err as Error).name === 'TokenExpiredError')
        throw new IdentityError(IdentityErrorCode.TOKEN_EXPIRED, 'access token expired: refresh it');
      throw new IdentityError(IdentityErrorCode.TOKEN_INVALID, 'access token invalid');
    }
  }
}
