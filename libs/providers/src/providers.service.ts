import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { returning, TransactionHost } from '#lib/database';
import { AccessDeniedError, maskPhone, PII_CIPHER, PiiCipher, Role, type Actor, isUuid } from '#lib/kernel';
import { RegionLevel, RegionsService } from '#lib/regions';
import { AuditTrailService } from '#lib/audit-trail';
import type { ServiceType } from '#lib/catalog';
import { WorkerStatus, type WeeklyHours } from './provider.entity.js';
import { ProvidersError, ProvidersErrorCode } from './providers.errors.js';
import type {
  ContractDto as ContractView,
  ProviderDetailDto as ProviderDetail,
  ProviderDto as ProviderView,
  WorkerDto as WorkerView,
} from './providers.dto.js';

/** A provider, a contract, a worker: the answers' classes, which are also their OpenAPI schemas. */
export type {
  ContractDto as ContractView,
  ProviderDetailDto as ProviderDetail,
  ProviderDto as ProviderView,
  WorkerDto as WorkerView,
} from './providers.dto.js';

/** What the orders context needs to assign a worker. */
export interface WorkerForAssignment {
  id: string;
  providerId: string;
  name: string;
  qualifications: string[];
  shifts: WeeklyHours;
  status: WorkerStatus;
}

export interface CreateProviderInput {
  name: string;
  creditCode: string;
  districtCode: string;
  contactPhone?: string | null;
  baseLat: number;
  baseLng: number;
  openingHours?: WeeklyHours;
  capacity: number;
}

export interface CreateContractInput {
  serviceTypes: ServiceType[];
  communityCodes: string[];
  validFrom: string;
  validTo: string;
}

export interface CreateWorkerInput {
  name: string;
  phone?: string | null;
  qualifications?: string[];
  shifts?: WeeklyHours;
  status?: WorkerStatus;
}

export type UpdateWorkerInput = Partial<CreateWorkerInput>;

export const ProvidersAuditAction = {
  PROVIDER_CREATED: 'PROVIDER_CREATED',
  CONTRACT_CREATED: 'PROVIDER_CONTRACT_CREATED',
} as const;

/** A worker can do an item when the item needs no qualification or the worker holds it. */
export function workerHasQualification(
  worker: { qualifications: readonly string[] },
  required: string | null | undefined,
): boolean {
  return !required || worker.qualifications.includes(required);
}

const PROVIDER_COLUMNS = `p.id, p.name, p.credit_code AS "creditCode", p.district_code AS "districtCode",
  p.contact_phone AS "contactPhone", p.base_lat AS "baseLat", p.base_lng AS "baseLng", p.opening_hours AS "openingHours",
  p.capacity, p.status, p.created_at AS "createdAt"`;
const CONTRACT_COLUMNS = `id, provider_id AS "providerId", service_types AS "serviceTypes", community_codes AS "communityCodes",
  to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"`;
const WORKER_COLUMNS = `id, provider_id AS "providerId", name, phone_enc AS "phoneEnc", qualifications, shifts, status, created_at AS "createdAt"`;

type WorkerRow = Omit<WorkerView, 'phone'> & { phoneEnc: Buffer | null };

/**
 * Service providers (organizations), their contracts (service types × communities × period) and
 * their workers. Who sees which provider:
 *  - PLATFORM_ADMIN: all;
 *  - PROVIDER_ADMIN / WORKER: their own;
 *  - station, hub, dispatcher, auditor: providers based in a district on their path (their own
 *    district, or any district under a city-level scope) or contracted in a community of their scope.
 * Out-of-scope providers answer 404.
 */
@Injectable()
export class ProvidersService {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly regions: RegionsService,
    private readonly audit: AuditTrailService,
    @Inject(PII_CIPHER) private readonly cipher: PiiCipher,
  ) {}

  // ---- use cases (HTTP) -------------------------------------------------------------------

  async list(actor: Actor): Promise<ProviderView[]> {
    const scope = this.scopeSql(actor, 1);
    return this.txHost.tx.query(
      `SELECT ${PROVIDER_COLUMNS} FROM provider p JOIN region d ON d.code = p.district_code
        WHERE ${scope.sql} ORDER BY p.district_code, p.name`,
      scope.params,
    );
  }

  async show(actor: Actor, id: string): Promise<ProviderDetail> {
    const provider = await this.requireVisible(actor, id);
    const contracts: ContractView[] = await this.txHost.tx.query(
      `SELECT ${CONTRACT_COLUMNS} FROM provider_contract WHERE provider_id = $1 ORDER BY valid_from, id`,
      [id],
    );
    return { ...provider, contracts };
  }

  async create(actor: Actor, input: CreateProviderInput): Promise<ProviderView> {
    if (actor.role !== Role.PLATFORM_ADMIN) throw new AccessDeniedError('register providers');
    const district = await this.regions.findRegion(input.districtCode);
    if (!district || district.level !== RegionLevel.DISTRICT)
      throw new ProvidersError(ProvidersErrorCode.NOT_A_DISTRICT, 'districtCode: must be the code of a district', {
        field: 'districtCode',
      });
    const id = randomUUID();
    try {
      await this.txHost.withTransaction(async () => {
        await this.txHost.tx.query(
          `INSERT INTO provider (id, name, credit_code, district_code, contact_phone, base_lat, base_lng, opening_hours, capacity)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb,$9)`,
          [
            id,
            input.name,
            input.creditCode,
            input.districtCode,
            input.contactPhone ?? null,
            input.baseLat,
            input.baseLng,
            JSON.stringify(input.openingHours ?? {}),
            input.capacity,
          ],
        );
        await this.audit.record({
          actor,
          action: ProvidersAuditAction.PROVIDER_CREATED,
          objectType: 'provider',
          objectId: id,
        });
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new ProvidersError(
          ProvidersErrorCode.CREDIT_CODE_TAKEN,
          'creditCode: a provider with this credit code exists',
          {
            field: 'creditCode',
          },
        );
      throw err;
    }
    return this.getProvider(id);
  }

  async addContract(actor: Actor, providerId: string, input: CreateContractInput): Promise<ContractView> {
    if (actor.role !== Role.PLATFORM_ADMIN) throw new AccessDeniedError('sign provider contracts');
    await this.getProvider(providerId);
    if (input.validFrom > input.validTo)
      throw new ProvidersError(ProvidersErrorCode.CONTRACT_PERIOD_INVALID, 'validTo: must not be before validFrom', {
        field: 'validTo',
      });
    await this.regions.requireCommunities(input.communityCodes, 'communityCodes');
    const contract: ContractView = {
      id: randomUUID(),
      providerId,
      serviceTypes: [...new Set(input.serviceTypes)],
      communityCodes: [...new Set(input.communityCodes)],
      validFrom: input.validFrom,
      validTo: input.validTo,
    };
    await this.txHost.withTransaction(async () => {
      await this.txHost.tx.query(
        `INSERT INTO provider_contract (id, provider_id, service_types, community_codes, valid_from, valid_to) VALUES ($1,$2,$3,$4,$5,$6)`,
        [contract.id, providerId, contract.serviceTypes, contract.communityCodes, contract.validFrom, contract.validTo],
      );
      await this.audit.record({
        actor,
        action: ProvidersAuditAction.CONTRACT_CREATED,
        objectType: 'provider_contract',
        objectId: contract.id,
        details: {
          providerId,
          serviceTypes: contract.serviceTypes,
          communityCodes: contract.communityCodes,
          validFrom: contract.validFrom,
          validTo: contract.validTo,
        },
      });
    });
    return contract;
  }

  /** Workers of a provider: its own provider admin (phones in clear) and the platform admin (masked). */
  async listWorkers(actor: Actor, providerId: string): Promise<WorkerView[]> {
    this.requireWorkerReader(actor, providerId);
    await this.getProvider(providerId);
    const rows: WorkerRow[] = await this.txHost.tx.query(
      `SELECT ${WORKER_COLUMNS} FROM worker WHERE provider_id = $1 ORDER BY name, id`,
      [providerId],
    );
    return rows.map((r) => this.presentWorker(r, actor));
  }

  async createWorker(actor: Actor, providerId: string, input: CreateWorkerInput): Promise<WorkerView> {
    this.requireOwnProviderAdmin(actor, providerId);
    const id = randomUUID();
    await this.txHost.tx.query(
      `INSERT INTO worker (id, provider_id, name, phone_enc, qualifications, shifts, status) VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7)`,
      [
        id,
        providerId,
        input.name,
        this.cipher.encryptOptional(input.phone),
        [...new Set(input.qualifications ?? [])],
        JSON.stringify(input.shifts ?? {}),
        input.status ?? WorkerStatus.ACTIVE,
      ],
    );
    return this.presentWorker((await this.findWorker(providerId, id))!, actor);
  }

  async updateWorker(
    actor: Actor,
    providerId: string,
    workerId: string,
    input: UpdateWorkerInput,
  ): Promise<WorkerView> {
    this.requireOwnProviderAdmin(actor, providerId);
    if (!isUuid(workerId)) throw workerNotFound(workerId);
    const sets: string[] = [];
    const params: unknown[] = [providerId, workerId];
    const set = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (input.name !== undefined) set('name', input.name);
    if (input.phone !== undefined) set('phone_enc', this.cipher.encryptOptional(input.phone));
    if (input.qualifications !== undefined) set('qualifications', [...new Set(input.qualifications)]);
    if (input.shifts !== undefined) set('shifts', JSON.stringify(input.shifts), '::jsonb');
    if (input.status !== undefined) set('status', input.status);
    const [row] = sets.length
      ? await returning<WorkerRow>(
          this.txHost.tx,
          `UPDATE worker SET ${sets.join(', ')} WHERE provider_id = $1 AND id = $2 RETURNING ${WORKER_COLUMNS}`,
          params,
        )
      : [await this.findWorker(providerId, workerId)];
    if (!row) throw workerNotFound(workerId);
    return this.presentWorker(row, actor);
  }

  // ---- public API for other contexts (no actor: the caller has checked access) ----------

  /** The provider, or PROVIDER_NOT_FOUND (404). */
  async getProvider(id: string): Promise<ProviderView> {
    const provider = await this.findProvider(id);
    if (!provider) throw providerNotFound(id);
    return provider;
  }

  /** The provider, or null. */
  async findProvider(id: string): Promise<ProviderView | null> {
    if (!isUuid(id)) return null;
    const rows: ProviderView[] = await this.txHost.tx.query(
      `SELECT ${PROVIDER_COLUMNS} FROM provider p WHERE p.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Does a contract of the provider cover this service type in this community on the (China) date of `at`? */
  async isContracted(
    providerId: string,
    serviceType: ServiceType | string,
    communityCode: string,
    at: Date = new Date(),
  ): Promise<boolean> {
    if (!isUuid(providerId)) return false;
    const rows: unknown[] = await this.txHost.tx.query(
      `SELECT 1 FROM provider_contract
        WHERE provider_id = $1 AND $2 = ANY(service_types) AND $3 = ANY(community_codes)
          AND valid_from <= ($4::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
          AND valid_to >= ($4::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
        LIMIT 1`,
      [providerId, serviceType, communityCode, at.toISOString()],
    );
    return rows.length > 0;
  }

  /** ACTIVE providers with a contract for this service type in this community on the date of `at` (dispatch candidates). */
  async contractedProviders(
    serviceType: ServiceType | string,
    communityCode: string,
    at: Date = new Date(),
  ): Promise<ProviderView[]> {
    return this.txHost.tx.query(
      `SELECT ${PROVIDER_COLUMNS} FROM provider p
        WHERE p.status = 'ACTIVE' AND EXISTS (
          SELECT 1 FROM provider_contract c
           WHERE c.provider_id = p.id AND $1 = ANY(c.service_types) AND $2 = ANY(c.community_codes)
             AND c.valid_from <= ($3::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
             AND c.valid_to >= ($3::timestamptz AT TIME ZONE 'Asia/Shanghai')::date)
        ORDER BY p.id`,
      [serviceType, communityCode, at.toISOString()],
    );
  }

  /**
   * A worker the provider may assign: belongs to that provider (else WORKER_NOT_FOUND, 404) and is
   * ACTIVE (else WORKER_NOT_ACTIVE, 400). Returns the qualifications to check against the item.
   */
  async getWorkerForAssignment(providerId: string, workerId: string): Promise<WorkerForAssignment> {
    const row = await this.findWorker(providerId, workerId);
    if (!row) throw workerNotFound(workerId);
    if (row.status !== WorkerStatus.ACTIVE)
      throw new ProvidersError(
        ProvidersErrorCode.WORKER_NOT_ACTIVE,
        `workerId: the worker is ${row.status}, not ACTIVE`,
        {
          field: 'workerId',
          status: row.status,
        },
      );
    return {
      id: row.id,
      providerId: row.providerId,
      name: row.name,
      qualifications: row.qualifications,
      shifts: row.shifts,
      status: row.status,
    };
  }

  workerHasQualification(worker: { qualifications: readonly string[] }, required: string | null | undefined): boolean {
    return workerHasQualification(worker, required);
  }

  // ---- access ------------------------------------------------------------------------------

  /** SQL condition (alias p = provider, d = its district region) for the providers the actor may see. */
  private scopeSql(actor: Actor, firstParam: number): { sql: string; params: unknown[] } {
    switch (actor.role) {
      case Role.PLATFORM_ADMIN:
        return { sql: 'true', params: [] };
      case Role.PROVIDER_ADMIN:
      case Role.WORKER:
        return actor.providerId
          ? { sql: `p.id = $${firstParam}`, params: [actor.providerId] }
          : { sql: 'false', params: [] };
      case Role.STATION_STAFF:
      case Role.HUB_STAFF:
      case Role.DISTRICT_DISPATCHER:
      case Role.AUDITOR: {
        if (!actor.regionPath) return { sql: 'false', params: [] };
        const n = `$${firstParam}`;
        return {
          sql: `(${n} LIKE d.path || '%' OR d.path LIKE ${n} || '%' OR EXISTS (
                  SELECT 1 FROM provider_contract c JOIN region r ON r.code = ANY(c.community_codes)
                   WHERE c.provider_id = p.id AND r.path LIKE ${n} || '%'))`,
          params: [actor.regionPath],
        };
      }
      default:
        return { sql: 'false', params: [] };
    }
  }

  private async requireVisible(actor: Actor, id: string): Promise<ProviderView> {
    if (!isUuid(id)) throw providerNotFound(id);
    const scope = this.scopeSql(actor, 2);
    const rows: ProviderView[] = await this.txHost.tx.query(
      `SELECT ${PROVIDER_COLUMNS} FROM provider p JOIN region d ON d.code = p.district_code WHERE p.id = $1 AND ${scope.sql}`,
      [id, ...scope.params],
    );
    if (!rows[0]) throw providerNotFound(id);
    return rows[0];
  }

  private requireWorkerReader(actor: Actor, providerId: string): void {
    if (actor.role === Role.PLATFORM_ADMIN) return;
    this.requireOwnProviderAdmin(actor, providerId);
  }

  /** Another provider's workers answer 404, as if the provider did not exist. */
  private requireOwnProviderAdmin(actor: Actor, providerId: string): void {
    if (actor.role !== Role.PROVIDER_ADMIN) throw new AccessDeniedError("manage a provider's workers");
    if (!actor.providerId || actor.providerId !== providerId) throw providerNotFound(providerId);
  }

  /** The worker of that provider (any status), or null. */
  async findWorker(providerId: string, workerId: string): Promise<WorkerRow | null> {
    if (!isUuid(providerId) || !isUuid(workerId)) return null;
    const rows: WorkerRow[] = await this.txHost.tx.query(
      `SELECT ${WORKER_COLUMNS} FROM worker WHERE provider_id = $1 AND id = $2`,
      [providerId, workerId],
    );
    return rows[0] ?? null;
  }

  private presentWorker(row: WorkerRow, actor: Actor): WorkerView {
    const { phoneEnc, ...rest } = row;
    const phone = this.cipher.decryptOptional(phoneEnc);
    const own = actor.role === Role.PROVIDER_ADMIN && actor.providerId === row.providerId;
    return { ...rest, phone: own ? phone : maskPhone(phone) };
  }
}

function providerNotFound(id: string): ProvidersError {
  return new ProvidersError(ProvidersErrorCode.PROVIDER_NOT_FOUND, 'provider not found', { id: String(id) });
}

function workerNotFound(id: string): ProvidersError {
  return new ProvidersError(ProvidersErrorCode.WORKER_NOT_FOUND, 'worker not found', { id: String(id) });
}
