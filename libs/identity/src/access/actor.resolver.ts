import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role, type Actor } from '#lib/kernel';
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
}

/**
 * Turns verified token claims into the Actor of this request, checking that the account is still
 * active and the token not revoked (tokenVersion). One indexed query, cached for CACHE_MS so that a
 * burst of requests costs one lookup; a disable or password change therefore takes effect within
 * that window on every instance.
 */
@Injectable()
export class ActorResolver {
  static readonly CACHE_MS = 2_000;
  private readonly cache = new Map<string, { at: number; row: ActorRow }>();

  constructor(private readonly db: DataSource) {}

  async resolve(claims: AccessTokenClaims): Promise<Actor> {
    const row = await this.load(claims.sub);
    if (!row || row.status !== 'ACTIVE')
      throw new IdentityError(IdentityErrorCode.ACCOUNT_DISABLED, 'account disabled or removed');
    if (row.token_version !== claims.tv || row.role !== claims.role)
      throw new IdentityError(IdentityErrorCode.TOKEN_INVALID, 'access token revoked: sign in again');
    const actor: Actor = { userId: claims.sub, role: row.role };
    if (row.region_path) actor.regionPath = row.region_path;
    if (row.provider_id) actor.providerId = row.provider_id;
    if (row.worker_id) actor.workerId = row.worker_id;
    if (row.role === Role.ELDER && row.elder_id) actor.elderIds = [row.elder_id];
    if (row.role === Role.FAMILY) actor.elderIds = row.linked ?? [];
    return actor;
  }

  /** Drops the cached row (after a disable, password change or link change on this instance). */
  forget(userId: string): void {
    this.cache.delete(userId);
  }

  private async load(userId: string): Promise<ActorRow | undefined> {
    const hit = this.cache.get(userId);
    const now = Date.now();
    if (hit && now - hit.at < ActorResolver.CACHE_MS) return hit.row;
    const rows: ActorRow[] = await this.db.query(
      `SELECT u.status, u.token_version, u.role, u.region_path, u.provider_id, u.worker_id, u.elder_id,
              CASE WHEN u.role = 'FAMILY' THEN ARRAY(SELECT l.elder_id FROM user_elder_link l WHERE l.user_id = u.id) END AS linked
         FROM app_user u WHERE u.id = $1`,
      [userId],
    );
    const row = rows[0];
    if (row) {
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(userId, { at: now, row });
    }
    return row;
  }
}
