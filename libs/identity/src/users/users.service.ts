import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditAction, AuditTrailService } from '#lib/audit-trail';
import { clampLimit, maskPhone, NotFoundError, PII_CIPHER, PiiCipher, Role, type Actor, type Page } from '#lib/kernel';
import { RegionLevel, RegionsService } from '#lib/regions';
import { ProvidersService } from '#lib/providers';
import { EldersService } from '#lib/elders';
import { IdentityError, IdentityErrorCode } from '../identity.errors.js';
import { UserStatus } from '../identity.entity.js';
import { ActorResolver } from '../access/actor.resolver.js';
import { SessionService } from '../auth/sessions.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import type { CreateUserDto, ListUsersQuery, UserDto } from './users.dto.js';
import { returning, TransactionHost } from '#lib/database';

/** Which region levels a region-scoped role may be given. */
export const ROLE_REGION_LEVELS: Partial<Record<Role, readonly RegionLevel[]>> = {
  [Role.STATION_STAFF]: [RegionLevel.COMMUNITY, RegionLevel.VILLAGE],
  [Role.HUB_STAFF]: [RegionLevel.STREET],
  [Role.DISTRICT_DISPATCHER]: [RegionLevel.DISTRICT],
  [Role.AUDITOR]: [RegionLevel.DISTRICT, RegionLevel.CITY],
  [Role.PLATFORM_ADMIN]: [RegionLevel.CITY],
};

type ScopeField = 'regionCode' | 'providerId' | 'workerId' | 'elderId' | 'elders';
/** The scope fields each role needs (all others must be absent). */
const ROLE_FIELDS: Record<Exclude<Role, Role.SOS_DEVICE>, ScopeField[]> = {
  [Role.STATION_STAFF]: ['regionCode'],
  [Role.HUB_STAFF]: ['regionCode'],
  [Role.DISTRICT_DISPATCHER]: ['regionCode'],
  [Role.AUDITOR]: ['regionCode'],
  [Role.PLATFORM_ADMIN]: ['regionCode'],
  [Role.PROVIDER_ADMIN]: ['providerId'],
  [Role.WORKER]: ['providerId', 'workerId'],
  [Role.ELDER]: ['elderId'],
  [Role.FAMILY]: ['elders'],
};

/**
 * "In the administrator's scope" for a user: scoped at a region under the admin's region, or
 * working for a provider of such a district, or being / linked to an elder living there. ($1 = path)
 */
const USER_IN_SCOPE = `(
     u.region_path LIKE $1 || '%'
  OR EXISTS (SELECT 1 FROM provider p JOIN region r ON r.code = p.district_code WHERE p.id = u.provider_id AND r.path LIKE $1 || '%')
  OR EXISTS (SELECT 1 FROM elder e WHERE e.id = u.elder_id AND e.region_path LIKE $1 || '%')
  OR EXISTS (SELECT 1 FROM user_elder_link l JOIN elder e ON e.id = l.elder_id WHERE l.user_id = u.id AND e.region_path LIKE $1 || '%'))`;

interface UserRow {
  id: string;
  display_name: string;
  role: Role;
  phone_enc: Buffer;
  region_code: string | null;
  provider_id: string | null;
  worker_id: string | null;
  elder_id: string | null;
  status: UserStatus;
  created_at: Date;
  links: { elderId: string; relation: string }[];
}

const USER_COLUMNS = `u.id, u.display_name, u.role, u.phone_enc, u.region_code, u.provider_id, u.worker_id, u.elder_id, u.status, u.created_at,
  coalesce((SELECT json_agg(json_build_object('elderId', l.elder_id, 'relation', l.relation) ORDER BY l.elder_id)
              FROM user_elder_link l WHERE l.user_id = u.id), '[]') AS links`;

/** Platform administration of user accounts. Every call takes the acting admin and stays in their region. */
@Injectable()
export class UsersService {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly sessions: SessionService,
    private readonly actors: ActorResolver,
    private readonly audit: AuditTrailService,
    @Inject(PII_CIPHER) private readonly cipher: PiiCipher,
    private readonly regions: RegionsService,
    private readonly providers: ProvidersService,
    private readonly elders: EldersService,
  ) {}

  /**
   * Phones of the active family accounts linked to the elder (for emergency alerts through the
   * notification port), decrypted, de-duplicated. Never log the result.
   */
  async familyPhonesOf(elderId: string): Promise<string[]> {
    const rows: { phone_enc: Buffer }[] = await this.txHost.tx.query(
      `SELECT u.phone_enc FROM user_elder_link l JOIN app_user u ON u.id = l.user_id
        WHERE l.elder_id = $1 AND u.status = 'ACTIVE' AND u.role = 'FAMILY'`,
      [elderId],
    );
    return [...new Set(rows.map((r) => this.cipher.decrypt(r.phone_enc)))];
  }

  async create(actor: Actor, input: CreateUserDto): Promise<UserDto> {
    const scopePath = this.adminPath(actor);
    const role = input.role as Exclude<Role, Role.SOS_DEVICE>;
    const needed = ROLE_FIELDS[role];
    for (const field of ['regionCode', 'providerId', 'workerId', 'elderId', 'elders'] as ScopeField[]) {
      const given = input[field] !== undefined;
      if (needed.includes(field) && !given) throw scopeInvalid(field, `${field} is required for role ${role}`);
      if (!needed.includes(field) && given) throw scopeInvalid(field, `${field} does not apply to role ${role}`);
    }
    const staff = role !== Role.ELDER && role !== Role.FAMILY;
    if (staff && !input.password) throw scopeInvalid('password', `password is required for role ${role}`);
    if (input.password) {
      const problem = passwordProblem(input.password);
      if (problem) throw new IdentityError(IdentityErrorCode.WEAK_PASSWORD, problem, { field: 'password' });
    }

    let regionPath: string | null = null;
    if (input.regionCode) {
      const region = await this.regions.findRegion(input.regionCode);
      if (!region || !region.path.startsWith(scopePath))
        throw scopeInvalid('regionCode', `region ${input.regionCode} not found`);
      const levels = ROLE_REGION_LEVELS[role] ?? [];
      if (!levels.includes(region.level))
        throw scopeInvalid(
          'regionCode',
          `role ${role} needs a region of level ${levels.join(' or ')}, ${input.regionCode} is ${region.level}`,
        );
      regionPath = region.path;
    }
    if (input.providerId) {
      const provider = await this.providers.findProvider(input.providerId);
      const district = provider && (await this.regions.findRegion(provider.districtCode));
      if (!district?.path.startsWith(scopePath)) throw scopeInvalid('providerId', 'provider not found');
    }
    if (input.workerId && !(await this.providers.findWorker(input.providerId!, input.workerId)))
      throw scopeInvalid('workerId', 'worker not found at this provider');
    const elderIds = input.elderId ? [input.elderId] : (input.elders ?? []).map((l) => l.elderId);
    if (new Set(elderIds).size !== elderIds.length) throw scopeInvalid('elders', 'an elder is linked twice');
    if (elderIds.length) {
      const known = await this.elders.eldersUnder(elderIds, scopePath);
      const missing = elderIds.findIndex((id) => !known.has(id));
      if (missing >= 0) throw scopeInvalid(input.elderId ? 'elderId' : `elders.${missing}.elderId`, 'elder not found');
    }

    const id = randomUUID();
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    try {
      await this.txHost.withTransaction(async () => {
        await this.txHost.tx.query(
          `INSERT INTO app_user (id, display_name, phone_enc, phone_hash, password_hash, role, region_code, region_path, provider_id, worker_id, elder_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            id,
            input.displayName,
            this.cipher.encrypt(input.phone),
            this.cipher.blindIndex(input.phone),
            passwordHash,
            role,
            input.regionCode ?? null,
            regionPath,
            input.providerId ?? null,
            input.workerId ?? null,
            input.elderId ?? null,
          ],
        );
        for (const link of input.elders ?? [])
          await this.txHost.tx.query(
            `INSERT INTO user_elder_link (id, user_id, elder_id, relation) VALUES ($1, $2, $3, $4)`,
            [randomUUID(), id, link.elderId, link.relation],
          );
        await this.audit.record({
          actor,
          action: AuditAction.USER_CREATED,
          objectType: 'user',
          objectId: id,
          details: { role, regionCode: input.regionCode ?? null, providerId: input.providerId ?? null },
        });
      });
    } catch (err) {
      if (
        (err as { code?: string }).code === '23505' ||
        (err as { driverError?: { code?: string } }).driverError?.code === '23505'
      )
        throw new IdentityError(IdentityErrorCode.PHONE_TAKEN, 'an account with this phone number exists already', {
          field: 'phone',
        });
      throw err;
    }
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<UserDto> {
    const rows: UserRow[] = await this.txHost.tx.query(
      `SELECT ${USER_COLUMNS} FROM app_user u WHERE u.id = $2 AND ${USER_IN_SCOPE}`,
      [this.adminPath(actor), id],
    );
    if (!rows[0]) throw new NotFoundError('user', id);
    return this.view(rows[0]);
  }

  async list(actor: Actor, q: ListUsersQuery): Promise<Page<UserDto>> {
    const params: unknown[] = [this.adminPath(actor)];
    const where = [USER_IN_SCOPE];
    if (q.role) where.push(`u.role = $${params.push(q.role)}`);
    if (q.status) where.push(`u.status = $${params.push(q.status)}`);
    if (q.providerId) where.push(`u.provider_id = $${params.push(q.providerId)}`);
    if (q.regionCode)
      where.push(`u.region_path LIKE (SELECT path FROM region WHERE code = $${params.push(q.regionCode)}) || '%'`);
    const limit = clampLimit(q.limit);
    const offset = q.offset ?? 0;
    const [{ total }] = (await this.txHost.tx.query(
      `SELECT count(*)::int AS total FROM app_user u WHERE ${where.join(' AND ')}`,
      params,
    )) as { total: number }[];
    const rows: UserRow[] = await this.txHost.tx.query(
      `SELECT ${USER_COLUMNS} FROM app_user u WHERE ${where.join(' AND ')} ORDER BY u.created_at, u.id LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return { items: rows.map((r) => this.view(r)), total, limit, offset };
  }

  /** Disables an account: its tokens stop working at once (token version + every session revoked). */
  async disable(actor: Actor, id: string): Promise<UserDto> {
    await this.get(actor, id); // 404 when unknown or out of scope
    if (id === actor.userId)
      throw new IdentityError(IdentityErrorCode.CANNOT_DISABLE_SELF, 'you cannot disable your own account');
    await this.txHost.withTransaction(async () => {
      const changed = await returning<{ id: string }>(
        this.txHost.tx,
        `UPDATE app_user SET status = 'DISABLED', token_version = token_version + 1 WHERE id = $1 AND status <> 'DISABLED' RETURNING id`,
        [id],
      );
      await this.sessions.endAllSessions(id);
      if (changed.length)
        await this.audit.record({ actor, action: AuditAction.USER_DISABLED, objectType: 'user', objectId: id });
    });
    this.actors.forget(id);
    return this.get(actor, id);
  }

  private adminPath(actor: Actor): string {
    if (!actor.regionPath) throw new NotFoundError('user');
    return actor.regionPath;
  }

  private view(r: UserRow): UserDto {
    return {
      id: r.id,
      displayName: r.display_name,
      role: r.role,
      phoneMasked: maskPhone(this.cipher.decrypt(r.phone_enc)),
      regionCode: r.region_code,
      providerId: r.provider_id,
      workerId: r.worker_id,
      elderId: r.elder_id,
      elders: r.links,
      status: r.status,
      createdAt: r.created_at,
    };
  }
}

function scopeInvalid(field: string, message: string): IdentityError {
  return new IdentityError(IdentityErrorCode.SCOPE_INVALID, message, { field });
}
