import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TransactionHost } from '#lib/database';
import { AuditAction, AuditTrailService } from '#lib/audit-trail';
import type { Role } from '#lib/kernel';
import { IdentityError, IdentityErrorCode } from '../identity.errors.js';
import { IDENTITY_OPTIONS, TokenService, type IdentityOptions } from '../access/token.service.js';
import { ActorResolver } from '../access/actor.resolver.js';
import type { TokenPairDto as TokenPair } from './auth.dto.js';

export interface SessionUser {
  id: string;
  role: Role;
  displayName: string;
  tokenVersion: number;
}

/** What a sign-in answers: the answer's class, which is also its OpenAPI schema. */
export type { TokenPairDto as TokenPair } from './auth.dto.js';

const sha256 = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * Sessions = refresh-token families. A refresh token is an opaque random string, stored only as
 * its SHA-256; each use rotates it (the old row is marked used, a new row joins the family). A
 * token presented a second time means it was copied: the whole family is revoked. Access tokens
 * carry the family id (`sid`), so revoking the family also ends them (ActorResolver).
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly tokens: TokenService,
    private readonly actors: ActorResolver,
    private readonly audit: AuditTrailService,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
  ) {}

  /** Starts a new session (family) for the user; call inside the sign-in transaction (ambient). */
  async start(user: SessionUser): Promise<TokenPair> {
    return this.issue(user, randomUUID());
  }

  /** Rotates a refresh token. A reused token revokes its family (and is audited). */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.txHost.withTransaction(async () => {
      const rows: {
        id: string;
        user_id: string;
        family_id: string;
        used_at: Date | null;
        revoked_at: Date | null;
        expired: boolean;
        status: string;
        role: Role;
        display_name: string;
        token_version: number;
      }[] = await this.txHost.tx.query(
        `SELECT r.id, r.user_id, r.family_id, r.used_at, r.revoked_at, r.expires_at <= now() AS expired,
                u.status, u.role, u.display_name, u.token_version
           FROM refresh_token r JOIN app_user u ON u.id = r.user_id
          WHERE r.token_hash = $1
          FOR UPDATE OF r`,
        [sha256(refreshToken)],
      );
      const row = rows[0];
      if (!row || row.revoked_at || row.expired) return { kind: 'invalid' as const };
      if (row.used_at) {
        await this.revokeFamilies(`family_id = $1`, [row.family_id]);
        await this.actors.invalidate(row.user_id);
        await this.audit.record({
          actor: { userId: row.user_id, role: row.role },
          action: AuditAction.TOKEN_REUSE_DETECTED,
          objectType: 'session',
          objectId: row.family_id,
        });
        return { kind: 'reused' as const, userId: row.user_id };
      }
      if (row.status !== 'ACTIVE') return { kind: 'disabled' as const };
      await this.txHost.tx.query(`UPDATE refresh_token SET used_at = now() WHERE id = $1`, [row.id]);
      const pair = await this.issue(
        { id: row.user_id, role: row.role, displayName: row.display_name, tokenVersion: row.token_version },
        row.family_id,
      );
      return { kind: 'ok' as const, pair };
    });
    switch (outcome.kind) {
      case 'ok':
        return outcome.pair;
      case 'reused':
        this.actors.forget(outcome.userId);
        throw new IdentityError(
          IdentityErrorCode.REFRESH_TOKEN_REUSED,
          'refresh token already used: every session token of this sign-in is revoked, sign in again',
        );
      case 'disabled':
        throw new IdentityError(IdentityErrorCode.ACCOUNT_DISABLED, 'account disabled');
      default:
        throw new IdentityError(
          IdentityErrorCode.REFRESH_TOKEN_INVALID,
          'refresh token unknown, expired or revoked: sign in again',
        );
    }
  }

  /** Ends the session the refresh token belongs to (its access tokens too). Unknown tokens: nothing to do. */
  async endSession(refreshToken: string): Promise<{ userId: string; role: Role; familyId: string } | undefined> {
    const rows: { user_id: string; family_id: string; role: Role }[] = await this.txHost.tx.query(
      `SELECT r.user_id, r.family_id, u.role FROM refresh_token r JOIN app_user u ON u.id = r.user_id WHERE r.token_hash = $1`,
      [sha256(refreshToken)],
    );
    const row = rows[0];
    if (!row) return undefined;
    await this.txHost.withTransaction(async () => {
      await this.revokeFamilies(`family_id = $1`, [row.family_id]);
      await this.actors.invalidate(row.user_id); // other instances drop the session on commit
    });
    this.actors.forget(row.user_id);
    return { userId: row.user_id, role: row.role, familyId: row.family_id };
  }

  /** Revokes every session of the user (password change, disable). */
  async endAllSessions(userId: string): Promise<void> {
    await this.revokeFamilies(`user_id = $1`, [userId]);
    await this.actors.invalidate(userId);
  }

  private async revokeFamilies(where: string, params: unknown[]): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE refresh_token SET revoked_at = now() WHERE ${where} AND revoked_at IS NULL`,
      params,
    );
  }

  private async issue(user: SessionUser, familyId: string): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.txHost.tx.query(
      `INSERT INTO refresh_token (id, user_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [randomUUID(), user.id, familyId, sha256(refreshToken), this.options.refreshTokenTtlSeconds],
    );
    return {
      accessToken: this.tokens.issueAccessToken({
        sub: user.id,
        role: user.role,
        tv: user.tokenVersion,
        sid: familyId,
      }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.options.accessTokenTtlSeconds,
      user: { id: user.id, role: user.role, displayName: user.displayName },
    };
  }
}
