import {
  applyDecorators,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiErrors, DomainError } from '#lib/kernel';
import { IDENTITY_OPTIONS, type IdentityOptions } from './token.service.js';

export const RATE_LIMIT = 'eldercare:rate-limit';
/**
 * Limits a route to `limit` requests per client address per minute (sign-in, one-time codes).
 * `'auth'` takes the configured AUTH_RATE_LIMIT_PER_MINUTE (IdentityOptions.authRateLimitPerMinute).
 */
export const RateLimit = (limit: number | 'auth') =>
  applyDecorators(
    SetMetadata(RATE_LIMIT, limit),
    ApiErrors({ 429: 'RATE_LIMITED: too many requests from your address this minute (details.retryAfterSeconds)' }),
  );

export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', 'RATE_LIMITED', `too many attempts: retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/**
 * Fixed one-minute windows per (route, client address), in process memory. Behind several API
 * instances each enforces its own window; the per-account lockout (in the database) is the
 * cluster-wide defence against password guessing.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(IDENTITY_OPTIONS) private readonly options?: IdentityOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.get<number | 'auth' | undefined>(RATE_LIMIT, context.getHandler());
    const limit = rule === 'auth' ? (this.options?.authRateLimitPerMinute ?? 20) : rule;
    if (!limit || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<{ ip?: string; route?: { path?: string } }>();
    const key = `${req.route?.path ?? context.getHandler().name}|${req.ip ?? 'unknown'}`;
    const now = Date.now();
    const w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 100_000) this.windows.clear();
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count += 1;
    if (w.count > limit) throw new RateLimitedError(Math.ceil((w.start + 60_000 - now) / 1000));
    return true;
  }
}
