import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  clampLimit,
  PII_CIPHER,
  PiiCipher,
  regionCovers,
  Role,
  type Actor,
  type Page,
  isUuid,
} from '#lib/kernel';
import { RegionsService, type RegionView } from '#lib/regions';
import { AuditAction, AuditTrailService } from '#lib/audit-trail';
import { AbilityLevel, DifficultyCategory, ElderStatus, LivingSituation } from './elder.entity.js';
import { EldersError, EldersErrorCode } from './elders.errors.js';
import {
  ELDER_PII_ROLES,
  ELDER_READER_ROLES,
  ELDER_WRITER_ROLES,
  elderVisibleTo,
  presentElder,
  type ElderRecord,
  type ElderView,
} from './elder-presenter.js';
import { parseResidentId } from './resident-id.js';
import type { ElderPiiDto as ElderPii } from './elders.dto.js';
import { returning, TransactionHost } from '#lib/database';

export interface EmergencyContactInputData {
  name: string;
  relation: string;
  phone: string;
  priority?: number;
}

export interface CreateElderInput {
  name: string;
  gender?: 'M' | 'F';
  idNumber: string;
  phone?: string | null;
  address: string;
  communityCode: string;
  homeLat?: number;
  homeLng?: number;
  livingSituation: LivingSituation;
  categories?: DifficultyCategory[];
  abilityLevel?: AbilityLevel;
  healthNotes?: string | null;
  emergencyContacts?: EmergencyContactInputData[];
}

export interface UpdateElderInput {
  version: number;
  name?: string;
  phone?: string | null;
  address?: string;
  communityCode?: string;
  homeLat?: number;
  homeLng?: number;
  livingSituation?: LivingSituation;
  categories?: DifficultyCategory[];
  abilityLevel?: AbilityLevel;
  healthNotes?: string | null;
  status?: ElderStatus;
  deceasedOn?: string;
  emergencyContacts?: EmergencyContactInputData[];
}

export interface ListEldersFilter {
  communityCode?: string;
  livingSituation?: LivingSituation;
  category?: DifficultyCategory;
  /** exact ID number or phone (keyed hash), otherwise a name prefix */
  q?: string;
  limit?: number;
  offset?: number;
}

/** Unmasked personal data (GET /elders/:id/pii): every call is written to the audit trail. */
export type { ElderPiiDto as ElderPii } from './elders.dto.js';

/** What the orders context snapshots / checks about the elder. Ciphertexts stay ciphertexts. */
export interface ElderForOrder {
  id: string;
  name: string;
  status: ElderStatus;
  communityCode: string;
  regionPath: string;
  homeLat: number;
  homeLng: number;
  addressEnc: Buffer;
  phoneEnc: Buffer | null;
}

interface ElderRow {
  id: string;
  name: string;
  gender: 'M' | 'F';
  birthDate: string;
  idNumberEnc: Buffer;
  phoneEnc: Buffer | null;
  addressEnc: Buffer;
  communityCode: string;
  regionPath: string;
  homeLat: number;
  homeLng: number;
  livingSituation: LivingSituation;
  categories: DifficultyCategory[];
  abilityLevel: AbilityLevel;
  healthNotesEnc: Buffer | null;
  status: ElderStatus;
  deceasedOn: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const ELDER_COLUMNS = `e.id, e.name, e.gender, to_char(e.birth_date, 'YYYY-MM-DD') AS "birthDate", e.id_number_enc AS "idNumberEnc",
  e.phone_enc AS "phoneEnc", e.address_enc AS "addressEnc", e.community_code AS "communityCode", e.region_path AS "regionPath",
  e.home_lat AS "homeLat", e.home_lng AS "homeLng", e.living_situation AS "livingSituation", e.categories,
  e.ability_level AS "abilityLevel", e.health_notes_enc AS "healthNotesEnc", e.status,
  to_char(e.deceased_on, 'YYYY-MM-DD') AS "deceasedOn", e.version, e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

const ID_NUMBER_SHAPE = /^\d{17}[\dX]$/;
const PHONE_SHAPE = /^\+?\d[\d-]{5,18}$/;

/**
 * Elders: profile, home and community, living situation, categories, ability level, emergency
 * contacts. ID number, phone, address and health notes are encrypted at rest; the ID number and phone
 * are also stored as keyed hashes to find an elder without decrypting. Every use case takes the
 * actor: out-of-scope elders answer 404, lists are filtered by scope in SQL, and fields are masked
 * by role (presentElder). The unmasked view is audited (PII_VIEWED).
 */
@Injectable()
export class EldersService {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly regions: RegionsService,
    private readonly audit: AuditTrailService,
    @Inject(PII_CIPHER) private readonly cipher: PiiCipher,
  ) {}

  // ---- use cases (HTTP) -------------------------------------------------------------------

  async register(actor: Actor, input: CreateElderInput): Promise<ElderView> {
    if (!ELDER_WRITER_ROLES.includes(actor.role)) throw new AccessDeniedError('register elders');
    const resident = parseResidentId(input.idNumber);
    if (!resident.ok)
      throw new EldersError(EldersErrorCode.INVALID_ID_NUMBER, `idNumber ${resident.problem}`, { field: 'idNumber' });
    if (input.gender && input.gender !== resident.value.gender)
      throw new EldersError(
        EldersErrorCode.GENDER_MISMATCH,
        'gender: does not match the gender encoded in the ID number',
        {
          field: 'gender',
        },
      );
    const community = await this.requireCommunityInScope(actor, input.communityCode);
    const id = randomUUID();
    const idNumber = resident.value.idNumber;
    try {
      await this.txHost.withTransaction(async () => {
        await this.txHost.tx.query(
          `INSERT INTO elder (id, name, gender, birth_date, id_number_enc, id_number_hash, phone_enc, phone_hash, address_enc,
                              community_code, region_path, home_lat, home_lng, living_situation, categories, ability_level, health_notes_enc)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
          [
            id,
            input.name,
            resident.value.gender,
            resident.value.birthDate,
            this.cipher.encrypt(idNumber),
            this.cipher.blindIndex(idNumber),
            this.cipher.encryptOptional(input.phone),
            input.phone ? this.cipher.blindIndex(input.phone) : null,
            this.cipher.encrypt(input.address),
            community.code,
            community.path,
            input.homeLat ?? community.lat,
            input.homeLng ?? community.lng,
            input.livingSituation,
            [...new Set(input.categories ?? [])],
            input.abilityLevel ?? AbilityLevel.INTACT,
            this.cipher.encryptOptional(input.healthNotes),
          ],
        );
        await this.insertContacts(id, input.emergencyContacts ?? []);
      });
    } catch (err) {
      if ((err as { code?: string; constraint?: string }).code === '23505')
        throw new EldersError(
          EldersErrorCode.DUPLICATE_ID_NUMBER,
          'idNumber: an elder with this ID number is already registered',
          {
            field: 'idNumber',
          },
        );
      throw err;
    }
    return presentElder((await this.loadRecord(id, true))!, actor);
  }

  async list(actor: Actor, filter: ListEldersFilter): Promise<Page<ElderView>> {
    const limit = clampLimit(filter.limit);
    const offset = Math.max(0, filter.offset ?? 0);
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (actor.role === Role.ELDER || actor.role === Role.FAMILY)
      where.push(`e.id = ANY(${p(actor.elderIds ?? [])}::uuid[])`);
    else if (ELDER_READER_ROLES.includes(actor.role) && actor.regionPath)
      where.push(`e.region_path LIKE ${p(actor.regionPath)} || '%'`);
    else throw new AccessDeniedError('list elders');
    if (filter.communityCode) where.push(`e.community_code = ${p(filter.communityCode)}`);
    if (filter.livingSituation) where.push(`e.living_situation = ${p(filter.livingSituation)}`);
    if (filter.category) where.push(`${p(filter.category)} = ANY(e.categories)`);
    const q = filter.q?.trim();
    if (q) {
      const compact = q.replace(/[\s-]/g, '').toUpperCase();
      if (ID_NUMBER_SHAPE.test(compact)) where.push(`e.id_number_hash = ${p(this.cipher.blindIndex(compact))}`);
      else if (PHONE_SHAPE.test(q)) where.push(`e.phone_hash = ${p(this.cipher.blindIndex(q))}`);
      else where.push(`e.name LIKE ${p(q.replace(/[\\%_]/g, (c) => `\\${c}`))} || '%'`);
    }
    const sqlWhere = where.join(' AND ');
    const [{ total }] = (await this.txHost.tx.query(
      `SELECT count(*)::int AS total FROM elder e WHERE ${sqlWhere}`,
      params,
    )) as { total: number }[];
    const rows: ElderRow[] = await this.txHost.tx.query(
      `SELECT ${ELDER_COLUMNS} FROM elder e WHERE ${sqlWhere} ORDER BY e.community_code, e.name, e.id LIMIT ${p(limit)} OFFSET ${p(offset)}`,
      params,
    );
    return { items: rows.map((r) => presentElder(this.decrypt(r), actor)), total, limit, offset };
  }

  /** One elder, masked for the actor's role; 404 when out of the actor's reach (providers and workers always). */
  async show(actor: Actor, id: string): Promise<ElderView> {
    const record = await this.loadRecord(id, true);
    if (!record || !elderVisibleTo(actor, record)) throw elderNotFound(id);
    return presentElder(record, actor);
  }

  async update(actor: Actor, id: string, input: UpdateElderInput): Promise<ElderView> {
    const current = await this.loadRow(id);
    if (!current || !elderVisibleTo(actor, current)) throw elderNotFound(id);
    if (!ELDER_WRITER_ROLES.includes(actor.role)) throw new AccessDeniedError('edit elders');
    const community =
      input.communityCode && input.communityCode !== current.communityCode
        ? await this.requireCommunityInScope(actor, input.communityCode)
        : null;
    if (input.status === ElderStatus.DECEASED && !input.deceasedOn && !current.deceasedOn)
      throw new EldersError(EldersErrorCode.DECEASED_DATE_REQUIRED, 'deceasedOn: required when status is DECEASED', {
        field: 'deceasedOn',
      });

    const sets: string[] = [];
    const params: unknown[] = [id, input.version];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (input.name !== undefined) set('name', input.name);
    if (input.phone !== undefined) {
      set('phone_enc', this.cipher.encryptOptional(input.phone));
      set('phone_hash', input.phone ? this.cipher.blindIndex(input.phone) : null);
    }
    if (input.address !== undefined) set('address_enc', this.cipher.encrypt(input.address));
    if (community) {
      set('community_code', community.code);
      set('region_path', community.path);
    }
    if (input.homeLat !== undefined) set('home_lat', input.homeLat);
    if (input.homeLng !== undefined) set('home_lng', input.homeLng);
    if (input.livingSituation !== undefined) set('living_situation', input.livingSituation);
    if (input.categories !== undefined) set('categories', [...new Set(input.categories)]);
    if (input.abilityLevel !== undefined) set('ability_level', input.abilityLevel);
    if (input.healthNotes !== undefined) set('health_notes_enc', this.cipher.encryptOptional(input.healthNotes));
    if (input.status !== undefined) set('status', input.status);
    if (input.deceasedOn !== undefined) set('deceased_on', input.deceasedOn);

    await this.txHost.withTransaction(async () => {
      const updated = await returning(
        this.txHost.tx,
        `UPDATE elder SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
          WHERE id = $1 AND version = $2 RETURNING id`,
        params,
      );
      if (updated.length !== 1) {
        const [{ version }] = (await this.txHost.tx.query(`SELECT version FROM elder WHERE id = $1`, [id])) as {
          version: number;
        }[];
        throw new EldersError(
          EldersErrorCode.VERSION_CONFLICT,
          'version: the elder was changed by someone else; reload it',
          {
            field: 'version',
            currentVersion: version,
          },
        );
      }
      if (input.emergencyContacts !== undefined) {
        await this.txHost.tx.query(`DELETE FROM emergency_contact WHERE elder_id = $1`, [id]);
        await this.insertContacts(id, input.emergencyContacts);
      }
      const categoriesChanged =
        input.categories !== undefined &&
        [...new Set(input.categories)].sort().join() !== [...current.categories].sort().join();
      if (categoriesChanged)
        await this.audit.record({
          actor,
          action: AuditAction.ELIGIBILITY_CHANGED,
          objectType: 'elder',
          objectId: id,
          details: { from: current.categories, to: [...new Set(input.categories)] },
        });
      if (input.abilityLevel !== undefined && input.abilityLevel !== current.abilityLevel)
        await this.audit.record({
          actor,
          action: AuditAction.ASSESSMENT_CHANGED,
          objectType: 'elder',
          objectId: id,
          details: { field: 'abilityLevel', from: current.abilityLevel, to: input.abilityLevel },
        });
      if (input.status !== undefined && input.status !== current.status)
        await this.audit.record({
          actor,
          action: AuditAction.ELIGIBILITY_CHANGED,
          objectType: 'elder',
          objectId: id,
          details: { field: 'status', from: current.status, to: input.status },
        });
    });
    return presentElder((await this.loadRecord(id, true))!, actor);
  }

  /** The unmasked personal data, for staff, auditors and admins in scope. Written to the audit trail first. */
  async viewPii(actor: Actor, id: string): Promise<ElderPii> {
    const record = await this.loadRecord(id, true);
    if (!record || !elderVisibleTo(actor, record)) throw elderNotFound(id);
    if (!ELDER_PII_ROLES.includes(actor.role)) throw new AccessDeniedError('view unmasked personal data');
    await this.audit.record({
      actor,
      action: AuditAction.PII_VIEWED,
      objectType: 'elder',
      objectId: id,
      details: { fields: ['idNumber', 'phone', 'address', 'healthNotes', 'emergencyContacts'] },
    });
    return {
      id: record.id,
      name: record.name,
      idNumber: record.idNumber,
      phone: record.phone,
      address: record.address,
      healthNotes: record.healthNotes,
      emergencyContacts: record.emergencyContacts ?? [],
    };
  }

  // ---- public API for other contexts (no actor: the caller has checked access) ----------

  /** The elder's reference data for an order, or ELDER_NOT_FOUND (404). */
  async getElderForOrder(id: string): Promise<ElderForOrder> {
    if (!isUuid(id)) throw elderNotFound(id);
    const rows: ElderForOrder[] = await this.txHost.tx.query(
      `SELECT id, name, status, community_code AS "communityCode", region_path AS "regionPath", home_lat AS "homeLat",
              home_lng AS "homeLng", address_enc AS "addressEnc", phone_enc AS "phoneEnc"
         FROM elder WHERE id = $1`,
      [id],
    );
    if (!rows[0]) throw elderNotFound(id);
    return rows[0];
  }

  /** Which of these elders live under the region path (e.g. to link family accounts in scope). */
  async eldersUnder(ids: string[], regionPath: string): Promise<Set<string>> {
    const rows = (await this.txHost.tx.query(
      `SELECT id FROM elder WHERE id = ANY($1::uuid[]) AND region_path LIKE $2 || '%'`,
      [ids.filter(isUuid), regionPath],
    )) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Phones a confirmation code may go to: the elder's own phone first, then the emergency contacts
   * by priority (decrypted, de-duplicated). Empty when nobody has a phone. Never log the result.
   */
  async getConfirmationPhones(elderId: string): Promise<string[]> {
    if (!isUuid(elderId)) throw elderNotFound(elderId);
    const rows: { phoneEnc: Buffer | null; rank: number }[] = await this.txHost.tx.query(
      `SELECT phone_enc AS "phoneEnc", 0 AS rank, 0 AS priority FROM elder WHERE id = $1
       UNION ALL
       SELECT phone_enc, 1, priority FROM emergency_contact WHERE elder_id = $1
       ORDER BY rank, priority`,
      [elderId],
    );
    if (!rows.length) throw elderNotFound(elderId);
    const phones = rows.map((r) => this.cipher.decryptOptional(r.phoneEnc)).filter((p): p is string => !!p);
    return [...new Set(phones)];
  }

  // ---- internals -----------------------------------------------------------------------------

  private async requireCommunityInScope(actor: Actor, code: string): Promise<RegionView> {
    const community = await this.regions.requireCommunity(code, 'communityCode');
    if (!regionCovers(actor.regionPath, community.path))
      throw new EldersError(
        EldersErrorCode.COMMUNITY_OUT_OF_SCOPE,
        'communityCode: this community is outside your region',
        {
          field: 'communityCode',
        },
      );
    return community;
  }

  private async insertContacts(elderId: string, contacts: EmergencyContactInputData[]): Promise<void> {
    for (const [i, c] of contacts.entries())
      await this.txHost.tx.query(
        `INSERT INTO emergency_contact (id, elder_id, name, relation, phone_enc, priority) VALUES ($1,$2,$3,$4,$5,$6)`,
        [randomUUID(), elderId, c.name, c.relation, this.cipher.encrypt(c.phone), c.priority ?? i + 1],
      );
  }

  private async loadRow(id: string): Promise<ElderRow | null> {
    if (!isUuid(id)) return null;
    const rows: ElderRow[] = await this.txHost.tx.query(`SELECT ${ELDER_COLUMNS} FROM elder e WHERE e.id = $1`, [id]);
    return rows[0] ?? null;
  }

  private async loadRecord(id: string, withContacts: boolean): Promise<ElderRecord | null> {
    const row = await this.loadRow(id);
    if (!row) return null;
    const record = this.decrypt(row);
    if (withContacts) {
      const contacts: { id: string; name: string; relation: string; phoneEnc: Buffer; priority: number }[] =
        await this.txHost.tx.query(
          `SELECT id, name, relation, phone_enc AS "phoneEnc", priority FROM emergency_contact WHERE elder_id = $1 ORDER BY priority, id`,
          [id],
        );
      record.emergencyContacts = contacts.map((c) => ({
        id: c.id,
        name: c.name,
        relation: c.relation,
        phone: this.cipher.decrypt(c.phoneEnc),
        priority: c.priority,
      }));
    }
    return record;
  }

  private decrypt(row: ElderRow): ElderRecord {
    const { idNumberEnc, phoneEnc, addressEnc, healthNotesEnc, ...rest } = row;
    return {
      ...rest,
      idNumber: this.cipher.decrypt(idNumberEnc),
      phone: this.cipher.decryptOptional(phoneEnc),
      address: this.cipher.decrypt(addressEnc),
      healthNotes: this.cipher.decryptOptional(healthNotesEnc),
    };
  }
}

function elderNotFound(id: string): EldersError {
  return new EldersError(EldersErrorCode.ELDER_NOT_FOUND, 'elder not found', { id: String(id) });
}
