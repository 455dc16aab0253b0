import {
  applyDecorators,
  Inject,
  Injectable,
  Logger,
  Optional,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '#lib/database';
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
 * Fixed one-minute windows per (route, client address), shared by every API instance: the counters
 * live in PostgreSQL (`rate_limit_window`), and each request bumps its window with one atomic
 * `INSERT … ON CONFLICT … DO UPDATE … RETURNING`, which opens a new window once the old one is a
 * minute old. So two replicas behind a load balancer allow the limit once, not once each. Expired
 * windows are deleted at most once a minute per instance, off the request's path.
 *
 * `@nestjs/throttler` (6.7, with a custom ThrottlerStorage) was the preferred route but cannot load
 * under this suite's ESM Jest on Node 20: it is CommonJS and `require`s the ESM-only @nestjs/common
 * 12 (the same wall as nestjs-cls 6, see TransactionHost).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  static readonly WINDOW_SECONDS = 60;
  private readonly logger = new Logger(RateLimitGuard.name);
  private lastCleanup = 0;

  constructor(
    private readonly reflector: Reflector,
    private readonly txHost: TransactionHost,
    @Optional() @Inject(IDENTITY_OPTIONS) private readonly options?: IdentityOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<number | 'auth' | undefined>(RATE_LIMIT, context.getHandler());
    const limit = rule === 'auth' ? (this.options?.authRateLimitPerMinute ?? 20) : rule;
    if (!limit || context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<{ ip?: string; route?: { path?: string } }>();
    const key = `${req.route?.path ?? context.getHandler().name}|${req.ip ?? 'unknown'}`;
    const [hit] = (await this.txHost.tx.query(
      `INSERT INTO rate_limit_window AS w (key, window_start, hits) VALUES ($1, clock_timestamp(), 1)
       ON CONFLICT (key) DO UPDATE SET
         window_start = CASE WHEN w.window_start <= clock_timestamp() - make_interval(secs => $2) THEN clock_timestamp() ELSE w.window_start END,
         hits = CASE WHEN w.window_start <= clock_timestamp() - make_interval(secs => $2) THEN 1 ELSE w.hits + 1 END
       RETURNING w.hits, ceil(extract(epoch FROM w.window_start + make_interval(secs => $2) - clock_timestamp()))::int AS retry_after`,
      [key, RateLimitGuard.WINDOW_SECONDS],
    )) as { hits: number; retry_after: number }[];
    this.cleanupNowAndThen();
    if (hit.hits > limit)
      throw new RateLimitedError(Math.min(Math.max(hit.retry_after, 1), RateLimitGuard.WINDOW_SECONDS));
    return true;
  }

  /** Deletes windows that ended (index on window_start), at most once a window per instance; never blocks a request. */
  private cleanupNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastCleanup < RateLimitGuard.WINDOW_SECONDS * 1000) return;
    this.lastCleanup = now;
    this.txHost
      .withoutTransaction(() =>
        this.txHost.tx.query(
          `DELETE FROM rate_limit_window WHERE window_start < clock_timestamp() - make_interval(secs => $1)`,
          [RateLimitGuard.WINDOW_SECONDS],
        ),
      )
      .catch((err: Error) => this.logger.warn(`rate-limit cleanup failed: ${err.message}`));
  }
}
