import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ElderForOrder {
  id: string;
  name: string;
  status: string;
  communityCode: string;
  regionPath: string;
  homeLat: number;
  homeLng: number;
  addressEnc: Buffer;
  phoneEnc: Buffer | null;
}

export interface ItemForOrder {
  id: string;
  serviceType: string;
  nameZh: string;
  unit: string;
  priceCents: number;
  minDurationMinutes: number;
  requiredQualification: string | null;
  acceptSlaMinutes: number;
  active: boolean;
}

/**
 * The reference data an order snapshots or checks (elder, item, provider contract, worker), read
 * with one indexed query each. Kept in one adapter so the orders context reads other contexts'
 * data in exactly one place.
 */
@Injectable()
export class OrderReferences {
  constructor(private readonly db: DataSource) {}

  async elder(id: string): Promise<ElderForOrder | undefined> {
    const rows: ElderForOrder[] = await this.db.query(
      `SELECT id, name, status, community_code AS "communityCode", region_path AS "regionPath",
              home_lat AS "homeLat", home_lng AS "homeLng", address_enc AS "addressEnc", phone_enc AS "phoneEnc"
         FROM elder WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async item(id: string): Promise<ItemForOrder | undefined> {
    const rows: ItemForOrder[] = await this.db.query(
      `SELECT id, service_type AS "serviceType", name_zh AS "nameZh", unit, price_cents AS "priceCents",
              min_duration_minutes AS "minDurationMinutes", required_qualification AS "requiredQualification",
              accept_sla_minutes AS "acceptSlaMinutes", active
         FROM service_item WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async itemByCode(code: string): Promise<ItemForOrder | undefined> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM service_item WHERE code = $1`, [code]);
    return rows[0] ? this.item(rows[0].id) : undefined;
  }

  async provider(id: string): Promise<{ id: string; districtCode: string; status: string } | undefined> {
    const rows = (await this.db.query(
      `SELECT id, district_code AS "districtCode", status FROM provider WHERE id = $1`,
      [id],
    )) as { id: string; districtCode: string; status: string }[];
    return rows[0];
  }

  /** A contract of the provider covers this service type in this community today. */
  async isContracted(providerId: string, serviceType: string, communityCode: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM provider_contract
        WHERE provider_id = $1 AND $2 = ANY(service_types) AND $3 = ANY(community_codes)
          AND valid_from <= current_date AND valid_to >= current_date LIMIT 1`,
      [providerId, serviceType, communityCode],
    );
    return rows.length > 0;
  }

  async worker(id: string): Promise<{ id: string; providerId: string; status: string; qualifications: string[] } | undefined> {
    const rows = (await this.db.query(
      `SELECT id, provider_id AS "providerId", status, qualifications FROM worker WHERE id = $1`,
      [id],
    )) as { id: string; providerId: string; status: string; qualifications: string[] }[];
    return rows[0];
  }

  /** Phones that receive the confirmation code: the elder's own and the first emergency contact. */
  async confirmationPhones(elderId: string): Promise<Buffer[]> {
    const rows: { phone_enc: Buffer }[] = await this.db.query(
      `SELECT phone_enc FROM elder WHERE id = $1 AND phone_enc IS NOT NULL
       UNION ALL
       (SELECT phone_enc FROM emergency_contact WHERE elder_id = $1 ORDER BY priority LIMIT 1)`,
      [elderId],
    );
    return rows.map((r) => r.phone_enc);
  }
}
