import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { AuditAction, AuditTrailService } from '#lib/audit-trail';
import { MessageTemplate, NotificationPort } from '#lib/notifications';
import { maskPhone, normalisePii, PII_CIPHER, PiiCipher, Role, type Actor } from '#lib/kernel';
import { IdentityError, IdentityErrorCode } from '../identity.errors.js';
import { IDENTITY_OPTIONS, type IdentityOptions } from '../access/token.service.js';
import { ActorResolver } from '../access/actor.resolver.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { SessionService, type TokenPair } from './sessions.js';
import type { ProfileDto as Profile } from './auth.dto.js';
import { returning, TransactionHost } from '#lib/database';

interface CredentialRow {
  id: string;
  role: Role;
  display_name: string;
  status: string;
  password_hash: string | null;
  token_version: number;
  locked: boolean;
  locked_until: Date | null;
}

/** GET /auth/me: the answer's class, which is also its OpenAPI schema. */
export type { ProfileDto as Profile } from './auth.dto.js';

/** One-time sign-in codes (elders and family). */
export const LOGIN_CODE = { digits: 6, ttlSeconds: 300, maxAttempts: 5, maxPerHour: 5 } as const;
const CODE_ROLES: readonly Role[] = [Role.ELDER, Role.FAMILY];

/**
 * Sign-in use cases. What never happens here: a phone number, password or code in a log line, an
 * error message or the audit trail; an answer that tells whether a phone number is registered
 * (unknown phone and wrong password get the same 401, and cost the same argon2 time).
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly txHost: TransactionHost,
    private readonly sessions: SessionService,
    private readonly actors: ActorResolver,
    private readonly audit: AuditTrailService,
    private readonly notifications: NotificationPort,
    @Inject(PII_CIPHER) private readonly cipher: PiiCipher,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
  ) {}

  async login(phone: string, password: string): Promise<TokenPair> {
    const badCredentials = () =>
      new IdentityError(IdentityErrorCode.BAD_CREDENTIALS, 'phone number or password is wrong');
    const rows: CredentialRow[] = await this.txHost.tx.query(
      `SELECT id, role, display_name, status, password_hash, token_version, locked_until,
              coalesce(locked_until > now(), false) AS locked
         FROM app_user WHERE phone_hash = $1`,
      [this.cipher.blindIndex(phone)],
    );
    const user = rows[0];
    if (!user || !user.password_hash) {
      await verifyAgainstDummy(password);
      await this.recordFailedSignIn(undefined, 'PASSWORD', 'UNKNOWN_ACCOUNT');
      throw badCredentials();
    }
    const attempt = user.locked ? null : await this.takeAttempt(user.id);
    if (!attempt) {
      await this.recordFailedSignIn(user, 'PASSWORD', 'LOCKED');
      throw this.lockedError(await this.lockedUntil(user.id));
    }
    if (!(await verifyPassword(user.password_hash, password))) {
      await this.recordWrongPassword(user, attempt, 'PASSWORD');
      throw badCredentials();
    }
    if (user.status !== 'ACTIVE') {
      await this.recordFailedSignIn(user, 'PASSWORD', 'DISABLED');
      throw new IdentityError(IdentityErrorCode.ACCOUNT_DISABLED, 'account disabled: ask your administrator');
    }
    return this.txHost.withTransaction(async () => {
      // The right password, evaluated within the limit: the count starts again — unless guesses
      // racing this one have locked the account since (that lock stands; this sign-in succeeds).
      await this.txHost.tx.query(
        `UPDATE app_user SET failed_logins = 0, locked_until = NULL
          WHERE id = $1 AND ($2 OR locked_until IS NULL OR locked_until <= now())`,
        [user.id, attempt.locked],
      );
      return this.openSession(user, 'PASSWORD');
    });
  }

  /** A successful sign-in: a new session and its SIGN_IN audit row (in the caller's transaction). */
  private async openSession(
    user: { id: string; role: Role; display_name: string; token_version: number },
    method: 'PASSWORD' | 'ONE_TIME_CODE',
  ) {
    const pair = await this.sessions.start({
      id: user.id,
      role: user.role,
      displayName: user.display_name,
      tokenVersion: user.token_version,
    });
    await this.audit.record({
      actor: { userId: user.id, role: user.role },
      action: AuditAction.SIGN_IN,
      objectType: 'user',
      objectId: user.id,
      details: { method },
    });
    return pair;
  }

  /** One SIGN_IN_FAILED audit row (ids and reasons only: never the phone). */
  private recordFailedSignIn(
    user: { id: string; role: Role } | undefined,
    method: 'PASSWORD' | 'CURRENT_PASSWORD' | 'ONE_TIME_CODE',
    reason: string,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    return this.audit.record({
      ...(user ? { actor: { userId: user.id, role: user.role }, objectType: 'user', objectId: user.id } : {}),
      action: AuditAction.SIGN_IN_FAILED,
      details: { method, reason, ...extra },
    });
  }

  /**
   * Takes this password guess's place in the account's count BEFORE the guess is evaluated, in one
   * statement (the row lock makes racing guesses take turns): while the account is not locked, the
   * count goes up (back to 1 after an expired lock), and the maxFailedLogins-th guess locks it. So
   * of any number of guesses sent at once, at most maxFailedLogins are evaluated; the others find
   * the account locked (null). A right password then resets the count. Runs on its own, outside any
   * transaction, so the count stands whatever happens next.
   */
  private async takeAttempt(userId: string): Promise<{ count: number; locked: boolean } | null> {
    const rows = await returning<{ count: number; locked: boolean }>(
      this.txHost.tx,
      `UPDATE app_user
          SET failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END,
              locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END) >= $2
                                  THEN now() + make_interval(mins => $3) END
        WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
        RETURNING failed_logins AS count, locked_until IS NOT NULL AS locked`,
      [userId, this.options.maxFailedLogins, this.options.lockoutMinutes],
    );
    return rows[0] ?? null;
  }

  private async lockedUntil(userId: string): Promise<Date> {
    const [row] = (await this.txHost.tx.query(`SELECT locked_until FROM app_user WHERE id = $1`, [userId])) as {
      locked_until: Date | null;
    }[];
    return row?.locked_until ?? new Date(Date.now() + this.options.lockoutMinutes * 60_000);
  }

  /** Records a wrong password (already counted by takeAttempt); the guess that locked the account says so. */
  private async recordWrongPassword(
    user: { id: string; role: Role },
    attempt: { count: number; locked: boolean },
    method: 'PASSWORD' | 'CURRENT_PASSWORD',
  ): Promise<void> {
    const actor = { userId: user.id, role: user.role };
    const attempts = attempt.count;
    await this.recordFailedSignIn(user, method, 'WRONG_PASSWORD', { attempts });
    if (attempt.locked) {
      this.logger.warn(
        `account ${user.id} locked for ${this.options.lockoutMinutes} min after ${attempts} wrong passwords`,
      );
      await this.audit.record({
        actor,
        action: AuditAction.ACCOUNT_LOCKED,
        objectType: 'user',
        objectId: user.id,
        details: { attempts, minutes: this.options.lockoutMinutes },
      });
    }
  }

  private lockedError(until: Date): IdentityError {
    const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    return new IdentityError(
      IdentityErrorCode.ACCOUNT_LOCKED,
      `too many wrong passwords: account locked, try again in ${Math.ceil(retryAfterSeconds / 60)} min`,
      { retryAfterSeconds },
    );
  }

  /**
   * Sends a one-time sign-in code to an elder's or family member's phone. Answers the same whether
   * or not the phone belongs to such an account (and at most maxPerHour codes per phone are sent).
   */
  async requestCode(phone: string): Promise<{ sent: true; expiresIn: number }> {
    const answer = { sent: true as const, expiresIn: LOGIN_CODE.ttlSeconds };
    const phoneHash = this.cipher.blindIndex(phone);
    const rows: { id: string }[] = await this.txHost.tx.query(
      `SELECT id FROM app_user WHERE phone_hash = $1 AND status = 'ACTIVE' AND role = ANY($2)`,
      [phoneHash, CODE_ROLES],
    );
    if (!rows[0]) return answer;
    const code = String(randomInt(0, 10 ** LOGIN_CODE.digits)).padStart(LOGIN_CODE.digits, '0');
    const sent = await this.txHost.withTransaction(async () => {
      await this.txHost.tx.query(`SELECT pg_advisory_xact_lock(hashtextextended(encode($1::bytea, 'hex'), 17))`, [
        phoneHash,
      ]);
      const [recent] = (await this.txHost.tx.query(
        `SELECT count(*)::int AS n FROM login_code WHERE phone_hash = $1 AND created_at > now() - interval '1 hour'`,
        [phoneHash],
      )) as { n: number }[];
      if (recent.n >= LOGIN_CODE.maxPerHour) return false;
      // Only the newest code is valid: older unused ones end here.
      await this.txHost.tx.query(`UPDATE login_code SET used_at = now() WHERE phone_hash = $1 AND used_at IS NULL`, [
        phoneHash,
      ]);
      await this.txHost.tx.query(
        `INSERT INTO login_code (phone_hash, code_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
        [phoneHash, this.codeHash(phone, code), LOGIN_CODE.ttlSeconds],
      );
      return true;
    });
    if (sent)
      await this.notifications.send(phone, MessageTemplate.LOGIN_CODE, {
        code,
        minutes: String(LOGIN_CODE.ttlSeconds / 60),
      });
    else
      this.logger.warn(`sign-in code not sent for user ${rows[0].id}: ${LOGIN_CODE.maxPerHour} codes in the last hour`);
    return answer;
  }

  /** Signs in with a one-time code: at most maxAttempts guesses per code, then a new code is needed. */
  async verifyCode(phone: string, code: string): Promise<TokenPair> {
    const invalid = (message = 'code wrong or expired: request a new one if needed') =>
      new IdentityError(IdentityErrorCode.CODE_INVALID, message);
    const phoneHash = this.cipher.blindIndex(phone);
    const outcome = await this.txHost.withTransaction(async () => {
      const codes: { id: string; code_hash: Buffer; attempts: number }[] = await this.txHost.tx.query(
        `SELECT id, code_hash, attempts FROM login_code
          WHERE phone_hash = $1 AND used_at IS NULL AND expires_at > now()
          ORDER BY id DESC LIMIT 1 FOR UPDATE`,
        [phoneHash],
      );
      const row = codes[0];
      if (!row) return { kind: 'invalid' as const };
      if (row.attempts >= LOGIN_CODE.maxAttempts) return { kind: 'exhausted' as const };
      const presented = this.codeHash(phone, code);
      if (!timingSafeEqual(presented, row.code_hash)) {
        await this.txHost.tx.query(`UPDATE login_code SET attempts = attempts + 1 WHERE id = $1`, [row.id]);
        return { kind: 'wrong' as const, attemptsLeft: LOGIN_CODE.maxAttempts - row.attempts - 1 };
      }
      await this.txHost.tx.query(`UPDATE login_code SET used_at = now() WHERE id = $1`, [row.id]);
      const users: { id: string; role: Role; display_name: string; token_version: number }[] =
        await this.txHost.tx.query(
          `SELECT id, role, display_name, token_version FROM app_user WHERE phone_hash = $1 AND status = 'ACTIVE' AND role = ANY($2)`,
          [phoneHash, CODE_ROLES],
        );
      const user = users[0];
      if (!user) return { kind: 'invalid' as const };
      return { kind: 'ok' as const, pair: await this.openSession(user, 'ONE_TIME_CODE') };
    });
    switch (outcome.kind) {
      case 'ok':
        return outcome.pair;
      case 'wrong':
        await this.recordFailedSignIn(undefined, 'ONE_TIME_CODE', 'WRONG_CODE');
        throw outcome.attemptsLeft > 0 ? invalid() : invalid('code wrong: too many attempts, request a new code');
      case 'exhausted':
        throw invalid('too many attempts for this code: request a new code');
      default:
        throw invalid();
    }
  }

  refresh(refreshToken: string): Promise<TokenPair> {
    return this.sessions.refresh(refreshToken);
  }

  async logout(refreshToken: string): Promise<void> {
    const ended = await this.sessions.endSession(refreshToken);
    if (ended)
      await this.audit.record({
        actor: { userId: ended.userId, role: ended.role },
        action: AuditAction.SIGN_OUT,
        objectType: 'session',
        objectId: ended.familyId,
      });
  }

  /** Changes the actor's password; every session (all devices) ends, and a new one starts here. */
  async changePassword(actor: Actor, currentPassword: string | undefined, newPassword: string): Promise<TokenPair> {
    const problem = passwordProblem(newPassword);
    if (problem) throw new IdentityError(IdentityErrorCode.WEAK_PASSWORD, problem, { field: 'newPassword' });
    const [user] = (await this.txHost.tx.query(
      `SELECT id, role, display_name, password_hash FROM app_user WHERE id = $1`,
      [actor.userId],
    )) as {
      id: string;
      role: Role;
      display_name: string;
      password_hash: string | null;
    }[];
    if (user.password_hash) {
      const wrong = () =>
        new IdentityError(IdentityErrorCode.CURRENT_PASSWORD_WRONG, 'the current password is wrong', {
          field: 'currentPassword',
        });
      if (currentPassword === undefined) throw wrong();
      // a stolen session must not be a way round the sign-in lockout: the same count, the same lock
      const attempt = await this.takeAttempt(user.id);
      if (!attempt) throw this.lockedError(await this.lockedUntil(user.id));
      if (!(await verifyPassword(user.password_hash, currentPassword))) {
        await this.recordWrongPassword(user, attempt, 'CURRENT_PASSWORD');
        throw wrong();
      }
    }
    const newHash = await hashPassword(newPassword);
    const pair = await this.txHost.withTransaction(async () => {
      const [row] = await returning<{ token_version: number }>(
        this.txHost.tx,
        `UPDATE app_user SET password_hash = $2, token_version = token_version + 1, failed_logins = 0, locked_until = NULL
          WHERE id = $1 RETURNING token_version`,
        [user.id, newHash],
      );
      await this.sessions.endAllSessions(user.id);
      await this.audit.record({ actor, action: AuditAction.PASSWORD_CHANGED, objectType: 'user', objectId: user.id });
      return this.sessions.start({
        id: user.id,
        role: user.role,
        displayName: user.display_name,
        tokenVersion: rowVersion(row),
      });
    });
    this.actors.forget(user.id);
    return pair;
  }

  async me(actor: Actor): Promise<Profile> {
    const [u] = (await this.txHost.tx.query(
      `SELECT u.id, u.role, u.display_name, u.phone_enc, u.region_code, u.region_path, u.provider_id, u.worker_id, u.elder_id, u.locale,
              coalesce((SELECT json_agg(json_build_object('elderId', l.elder_id, 'relation', l.relation) ORDER BY l.relation)
                          FROM user_elder_link l WHERE l.user_id = u.id), '[]') AS links
         FROM app_user u WHERE u.id = $1`,
      [actor.userId],
    )) as {
      id: string;
      role: Role;
      display_name: string;
      phone_enc: Buffer;
      region_code: string | null;
      region_path: string | null;
      provider_id: string | null;
      worker_id: string | null;
      elder_id: string | null;
      locale: string;
      links: { elderId: string; relation: string }[];
    }[];
    return {
      id: u.id,
      role: u.role,
      displayName: u.display_name,
      phoneMasked: maskPhone(this.cipher.decrypt(u.phone_enc)),
      regionCode: u.region_code,
      regionPath: u.region_path,
      providerId: u.provider_id,
      workerId: u.worker_id,
      elders: u.role === Role.ELDER && u.elder_id ? [{ elderId: u.elder_id, relation: 'SELF' }] : u.links,
      locale: u.locale,
    };
  }

  /** Keyed hash of (phone, code): a stolen login_code table does not give the codes away. */
  private codeHash(phone: string, code: string): Buffer {
    return createHmac('sha256', this.cipher.blindIndex(`LOGIN_CODE:${normalisePii(phone)}`))
      .update(code)
      .digest();
  }
}

function rowVersion(row: { token_version: number } | undefined): number {
  if (!row) throw new Error('user vanished during password change');
  return row.token_version;
}
