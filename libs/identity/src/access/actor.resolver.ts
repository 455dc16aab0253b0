import { Injectable } from '@nestjs/common';
import { CacheInvalidation, TransactionHost } from '#lib/database';
import { Role, type Actor, isUuid } from '#lib/kernel';
import { IdentityError, IdentityErrorCode } from '../identity.errors.js';
import type { AccessTokenClaims } from './token.service.js';

interface ActorRow {
  status: string;
  token_version: number;
  role: Role;
  region_path: string | null;
  provider_id: string | null;
  worker_id: string | null;
  elder_id: string | null;
  linked: string[] | null;
  /** the access token's session (refresh-token family) was revoked: logout, reuse, disable */
  session_revoked: boolean;
}

/**
 * Turns verified token claims into the Actor of this request, checking that the account is still
 * active and the token not revoked (tokenVersion), and — for tokens that carry a session id (`sid`,
 * the refresh-token family) — that the session was not ended (logout, reuse detection, disable).
 * One indexed query, cached for CACHE_MS per (user, session) so that a burst of requests costs one
 * lookup. A revocation drops the user's entries on every instance at once: the use case calls
 * `invalidate` in its transaction (a NOTIFY delivered on commit, see CacheInvalidation) and
 * `forget` after it, for this instance without waiting for the notice.
 */
@Injectable()
export class ActorResolver {
  static readonly CACHE_MS = 2_000;
  private readonly cache = new Map<string, { at: number; row: ActorRow }>();
  private static readonly NO_SESSION = '-';
  static readonly INVALIDATION_TOPIC = 'actor';
  /** Bumped by every drop: a lookup that started before one does not fill the cache with its older row. */
  private epoch = 0;

  constructor(
    private readonly txHost: TransactionHost,
    private readonly invalidation: CacheInvalidation,
  ) {
    invalidation.on(ActorResolver.INVALIDATION_TOPIC, (userId) => (userId ? this.forget(userId) : this.forgetAll()));
  }

  async resolve(claims: AccessTokenClaims): Promise<Actor> {
    const row = await this.load(claims.sub, claims.sid);
    if (!row || row.status !== 'ACTIVE')
      throw new IdentityError(IdentityErrorCode.ACCOUNT_DISABLED, 'account disabled or removed');
    if (row.token_version !== claims.tv || row.role !== claims.role || row.session_revoked)
      throw new IdentityError(IdentityErrorCode.TOKEN_INVALID, 'access token revoked: sign in again');
    const actor: Actor = { userId: claims.sub, role: row.role };
    if (row.region_path) actor.regionPath = row.region_path;
    if (row.provider_id) actor.providerId = row.provider_id;
    if (row.worker_id) actor.workerId = row.worker_id;
    if (row.role === Role.ELDER && row.elder_id) actor.elderIds = [row.elder_id];
    if (row.role === Role.FAMILY) actor.elderIds = row.linked ?? [];
    return actor;
  }

  /** Drops the user's cached rows (after a disable, password change, logout or link change on this instance). */
  forget(userId: string): void {
    this.epoch += 1;
    const prefix = `${userId}|`;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  private forgetAll(): void {
    this.epoch += 1;
    this.cache.clear();
  }

  /**
   * Tells every instance to drop the user's cached rows once the current transaction commits
   * (token version, status, role, sessions or links changed). Call it inside that transaction.
   */
  async invalidate(userId: string): Promise<void> {
    await this.invalidation.notify(ActorResolver.INVALIDATION_TOPIC, userId);
  }

  private async load(userId: string, sid: string | undefined): Promise<ActorRow | undefined> {
    const key = `${userId}|${sid ?? ActorResolver.NO_SESSION}`;
    const hit = this.cache.get(key);
    const now = Date.now();
    if (hit && now - hit.at < ActorResolver.CACHE_MS) return hit.row;
    const epoch = this.epoch;
    // A session is live while its family has a row that is not revoked (rotated rows are only "used").
    const rows: ActorRow[] = await this.txHost.tx.query(
      `SELECT u.status, u.token_version, u.role, u.region_path, u.provider_id, u.worker_id, u.elder_id,
              CASE WHEN u.role = 'FAMILY' THEN ARRAY(SELECT l.elder_id FROM user_elder_link l WHERE l.user_id = u.id) END AS linked,
              CASE WHEN $2::uuid IS NULL THEN false
                   ELSE NOT EXISTS (SELECT 1 FROM refresh_token r WHERE r.family_id = $2::uuid AND r.user_id = u.id AND r.revoked_at IS NULL)
              END AS session_revoked
         FROM app_user u WHERE u.id = $1`,
      [userId, sid && isUuid(sid) ? sid : sid ? ActorResolver.REVOKED_SID : null],
    );
    const row = rows[0];
    if (row && epoch === this.epoch) {
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(key, { at: now, row });
    }
    return row;
  }

  /** A sid that is not a uuid can only be forged (the token is signed): treat it as a revoked session. */
  private static readonly REVOKED_SID = '00000000-0000-0000-0000-000000000000';
}
