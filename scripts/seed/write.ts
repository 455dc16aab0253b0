/**
 * Stores a generated city: encrypts personal data with the application's PiiCipher, fills the blind
 * indexes, and writes every table with multi-row `INSERT … SELECT FROM unnest(…)` in batches, inside
 * one transaction (a failed seed leaves the database as it was).
 */
import { createHash } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { DataSource, QueryRunner } from 'typeorm';
import type { PiiCipher } from '#lib/kernel';
import { DEMO_PASSWORD, expectedOrderCount, generateOrders, type City } from './generate.js';

export interface SeedProgress {
  /** A phase starts with the number of rows it will write. */
  start(phase: string, total: number): void;
  advance(phase: string, rows: number): void;
  done(phase: string): void;
}

export const SILENT: SeedProgress = { start: () => undefined, advance: () => undefined, done: () => undefined };

export interface SeedCounts {
  [table: string]: number;
}

type Col = { name: string; type: string; expr?: (ref: string) => string };

const BATCH = 5_000;

/** `INSERT INTO table (cols) SELECT … FROM unnest($1::t1[], $2::t2[], …)` for column-major values. */
async function insert(q: QueryRunner, table: string, cols: Col[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const params = cols.map((_, c) => rows.map((r) => r[c]));
  const refs = cols.map((_, i) => `c${i}`);
  const select = cols.map((col, i) => (col.expr ? col.expr(refs[i]) : refs[i])).join(', ');
  const unnest = cols.map((col, i) => `$${i + 1}::${col.type}[]`).join(', ');
  await q.query(
    `INSERT INTO "${table}" (${cols.map((c) => `"${c.name}"`).join(', ')}) SELECT ${select} FROM unnest(${unnest}) AS u(${refs.join(', ')})`,
    params,
  );
}

async function insertBatched(
  q: QueryRunner,
  progress: SeedProgress,
  phase: string,
  table: string,
  cols: Col[],
  rows: unknown[][],
): Promise<number> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await insert(q, table, cols, rows.slice(i, i + BATCH));
    progress.advance(phase, Math.min(BATCH, rows.length - i));
  }
  return rows.length;
}

/**
 * Overlaps preparing the next batch (generation, encryption, parameter building: Node's core) with
 * writing the previous one (PostgreSQL's core): at most one write in flight on the one connection.
 */
class Pipeline {
  private inflight: Promise<void> = Promise.resolve();

  async push(write: () => Promise<void>): Promise<void> {
    await this.inflight;
    const next = write();
    next.catch(() => undefined); // surfaced by the next push or by drain()
    this.inflight = next;
    // let the query leave before the caller goes back to synchronous work
    await new Promise((resolve) => setImmediate(resolve));
  }

  drain(): Promise<void> {
    return this.inflight;
  }
}

/** Varchar arrays travel as comma-joined text (unnest would flatten a 2-D array). */
const list = (values: string[]): string => values.join(',');
const listCol = (name: string): Col => ({
  name,
  type: 'text',
  expr: (r) => `coalesce(string_to_array(nullif(${r}, ''), ','), '{}')::varchar[]`,
});
const uuidListCol = (name: string): Col => ({
  name,
  type: 'text',
  expr: (r) => `coalesce(string_to_array(nullif(${r}, ''), ','), '{}')::uuid[]`,
});
const jsonCol = (name: string): Col => ({ name, type: 'text', expr: (r) => `${r}::jsonb` });
const c = (name: string, type: string): Col => ({ name, type });

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Writes the whole city and its order history; returns the row counts per table. */
export async function writeCity(
  ds: DataSource,
  cipher: PiiCipher,
  city: City,
  progress: SeedProgress = SILENT,
): Promise<SeedCounts> {
  const counts: SeedCounts = {};
  const passwordHash = await hash(DEMO_PASSWORD);
  const q = ds.createQueryRunner();
  await q.connect();
  await q.startTransaction();
  try {
    await q.query(`SET LOCAL synchronous_commit = off`);

    progress.start(
      'regions, facilities, catalogue',
      city.regions.length + city.facilities.length + city.serviceTypes.length + city.items.length,
    );
    counts.region = await insertBatched(
      q,
      progress,
      'regions, facilities, catalogue',
      'region',
      [
        c('code', 'varchar'),
        c('level', 'varchar'),
        c('name', 'varchar'),
        c('name_en', 'varchar'),
        c('parent_code', 'varchar'),
        c('path', 'varchar'),
        c('lat', 'float8'),
        c('lng', 'float8'),
      ],
      city.regions.map((r) => [r.code, r.level, r.name, r.nameEn, r.parentCode, r.path, r.lat, r.lng]),
    );
    counts.service_type = await insertBatched(
      q,
      progress,
      'regions, facilities, catalogue',
      'service_type',
      [c('code', 'varchar'), c('name_zh', 'varchar'), c('name_en', 'varchar'), c('sort_order', 'int2')],
      city.serviceTypes.map((t) => [t.code, t.nameZh, t.nameEn, t.sortOrder]),
    );
    counts.service_item = await insertBatched(
      q,
      progress,
      'regions, facilities, catalogue',
      'service_item',
      [
        c('id', 'uuid'),
        c('code', 'varchar'),
        c('service_type', 'varchar'),
        c('name_zh', 'varchar'),
        c('name_en', 'varchar'),
        c('unit', 'varchar'),
        c('price_cents', 'int4'),
        c('min_duration_minutes', 'int4'),
        c('required_qualification', 'varchar'),
        c('accept_sla_minutes', 'int4'),
        c('onsite_sla_minutes', 'int4'),
      ],
      city.items.map((i) => [
        i.id,
        i.code,
        i.serviceType,
        i.nameZh,
        i.nameEn,
        i.unit,
        i.priceCents,
        i.minDurationMinutes,
        i.requiredQualification,
        i.acceptSlaMinutes,
        i.onsiteSlaMinutes,
      ]),
    );
    progress.done('regions, facilities, catalogue');

    progress.start(
      'providers, contracts, workers',
      city.providers.length + city.contracts.length + city.workers.length + city.facilities.length,
    );
    counts.provider = await insertBatched(
      q,
      progress,
      'providers, contracts, workers',
      'provider',
      [
        c('id', 'uuid'),
        c('name', 'varchar'),
        c('credit_code', 'varchar'),
        c('district_code', 'varchar'),
        c('contact_phone', 'varchar'),
        c('base_lat', 'float8'),
        c('base_lng', 'float8'),
        jsonCol('opening_hours'),
        c('capacity', 'int4'),
        c('status', 'varchar'),
        c('created_at', 'timestamptz'),
      ],
      city.providers.map((p) => [
        p.id,
        p.name,
        p.creditCode,
        p.districtCode,
        p.contactPhone,
        p.baseLat,
        p.baseLng,
        JSON.stringify(p.openingHours),
        p.capacity,
        p.status,
        p.createdAt.toISOString(),
      ]),
    );
    counts.facility = await insertBatched(
      q,
      progress,
      'providers, contracts, workers',
      'facility',
      [
        c('id', 'uuid'),
        c('region_code', 'varchar'),
        c('level', 'varchar'),
        c('name', 'varchar'),
        c('operator_provider_id', 'uuid'),
        c('hotline', 'varchar'),
        c('lat', 'float8'),
        c('lng', 'float8'),
      ],
      city.facilities.map((f) => [f.id, f.regionCode, f.level, f.name, f.operatorProviderId, f.hotline, f.lat, f.lng]),
    );
    counts.provider_contract = await insertBatched(
      q,
      progress,
      'providers, contracts, workers',
      'provider_contract',
      [
        c('id', 'uuid'),
        c('provider_id', 'uuid'),
        listCol('service_types'),
        listCol('community_codes'),
        c('valid_from', 'date'),
        c('valid_to', 'date'),
      ],
      city.contracts.map((k) => [
        k.id,
        k.providerId,
        list(k.serviceTypes),
        list(k.communityCodes),
        k.validFrom,
        k.validTo,
      ]),
    );
    counts.worker = await insertBatched(
      q,
      progress,
      'providers, contracts, workers',
      'worker',
      [
        c('id', 'uuid'),
        c('provider_id', 'uuid'),
        c('name', 'varchar'),
        c('phone_enc', 'bytea'),
        listCol('qualifications'),
        jsonCol('shifts'),
        c('status', 'varchar'),
        c('created_at', 'timestamptz'),
      ],
      city.workers.map((w) => [
        w.id,
        w.providerId,
        w.name,
        cipher.encrypt(w.phone),
        list(w.qualifications),
        JSON.stringify(w.shifts),
        w.status,
        w.createdAt.toISOString(),
      ]),
    );
    progress.done('providers, contracts, workers');

    progress.start('elders (encrypted)', city.elders.length + city.contacts.length);
    counts.elder = 0;
    const pipe = new Pipeline();
    for (let i = 0; i < city.elders.length; i += BATCH) {
      const rows = city.elders
        .slice(i, i + BATCH)
        .map((e) => [
          e.id,
          e.name,
          e.gender,
          e.birthDate,
          cipher.encrypt(e.idNumber),
          cipher.blindIndex(e.idNumber),
          cipher.encryptOptional(e.phone),
          e.phone ? cipher.blindIndex(e.phone) : null,
          cipher.encrypt(e.address),
          e.communityCode,
          e.regionPath,
          e.homeLat,
          e.homeLng,
          e.livingSituation,
          list(e.categories),
          e.abilityLevel,
          cipher.encryptOptional(e.healthNotes),
          e.status,
          e.deceasedOn,
          e.createdAt.toISOString(),
          e.createdAt.toISOString(),
        ]);
      await pipe.push(() =>
        insert(
          q,
          'elder',
          [
            c('id', 'uuid'),
            c('name', 'varchar'),
            c('gender', 'varchar'),
            c('birth_date', 'date'),
            c('id_number_enc', 'bytea'),
            c('id_number_hash', 'bytea'),
            c('phone_enc', 'bytea'),
            c('phone_hash', 'bytea'),
            c('address_enc', 'bytea'),
            c('community_code', 'varchar'),
            c('region_path', 'varchar'),
            c('home_lat', 'float8'),
            c('home_lng', 'float8'),
            c('living_situation', 'varchar'),
            listCol('categories'),
            c('ability_level', 'int2'),
            c('health_notes_enc', 'bytea'),
            c('status', 'varchar'),
            c('deceased_on', 'date'),
            c('created_at', 'timestamptz'),
            c('updated_at', 'timestamptz'),
          ],
          rows,
        ),
      );
      counts.elder += rows.length;
      progress.advance('elders (encrypted)', rows.length);
    }
    counts.emergency_contact = 0;
    for (let i = 0; i < city.contacts.length; i += BATCH) {
      const rows = city.contacts
        .slice(i, i + BATCH)
        .map((k) => [k.id, k.elderId, k.name, k.relation, cipher.encrypt(k.phone), k.priority]);
      await pipe.push(() =>
        insert(
          q,
          'emergency_contact',
          [
            c('id', 'uuid'),
            c('elder_id', 'uuid'),
            c('name', 'varchar'),
            c('relation', 'varchar'),
            c('phone_enc', 'bytea'),
            c('priority', 'int2'),
          ],
          rows,
        ),
      );
      counts.emergency_contact += rows.length;
      progress.advance('elders (encrypted)', rows.length);
    }
    await pipe.drain();
    progress.done('elders (encrypted)');

    progress.start('users, links, SOS devices', city.users.length + city.links.length + city.devices.length);
    counts.app_user = 0;
    for (let i = 0; i < city.users.length; i += BATCH) {
      const rows = city.users
        .slice(i, i + BATCH)
        .map((u) => [
          u.id,
          u.displayName,
          cipher.encrypt(u.phone),
          cipher.blindIndex(u.phone),
          u.password ? passwordHash : null,
          u.role,
          u.regionCode,
          u.regionPath,
          u.providerId,
          u.workerId,
          u.elderId,
        ]);
      await insert(
        q,
        'app_user',
        [
          c('id', 'uuid'),
          c('display_name', 'varchar'),
          c('phone_enc', 'bytea'),
          c('phone_hash', 'bytea'),
          c('password_hash', 'varchar'),
          c('role', 'varchar'),
          c('region_code', 'varchar'),
          c('region_path', 'varchar'),
          c('provider_id', 'uuid'),
          c('worker_id', 'uuid'),
          c('elder_id', 'uuid'),
        ],
        rows,
      );
      counts.app_user += rows.length;
      progress.advance('users, links, SOS devices', rows.length);
    }
    counts.user_elder_link = await insertBatched(
      q,
      progress,
      'users, links, SOS devices',
      'user_elder_link',
      [c('id', 'uuid'), c('user_id', 'uuid'), c('elder_id', 'uuid'), c('relation', 'varchar')],
      city.links.map((l) => [l.id, l.userId, l.elderId, l.relation]),
    );
    counts.sos_device = await insertBatched(
      q,
      progress,
      'users, links, SOS devices',
      'sos_device',
      [c('id', 'uuid'), c('elder_id', 'uuid'), c('serial_number', 'varchar'), c('key_hash', 'bytea')],
      city.devices.map((d) => [d.id, d.elderId, d.serialNumber, sha256(d.secret)]),
    );
    progress.done('users, links, SOS devices');

    progress.start('orders and events', expectedOrderCount(city));
    counts.service_order = 0;
    counts.order_event = 0;
    const orderCols = [
      c('id', 'uuid'),
      c('order_no', 'varchar'),
      c('channel', 'varchar'),
      c('elder_id', 'uuid'),
      c('item_id', 'uuid'),
      c('service_type', 'varchar'),
      c('community_code', 'varchar'),
      c('region_path', 'varchar'),
      c('requested_by', 'uuid'),
      c('scheduled_start', 'timestamptz'),
      c('scheduled_end', 'timestamptz'),
      c('priority', 'int2'),
      c('state', 'varchar'),
      c('version', 'int4'),
      c('address_enc', 'bytea'),
      c('home_lat', 'float8'),
      c('home_lng', 'float8'),
      c('item_name_zh', 'varchar'),
      c('unit', 'varchar'),
      c('unit_price_cents', 'int4'),
      c('quantity', 'numeric'),
      c('total_cents', 'int4'),
      c('min_duration_minutes', 'int4'),
      c('required_qualification', 'varchar'),
      c('note', 'varchar'),
      c('provider_id', 'uuid'),
      c('offer_expires_at', 'timestamptz'),
      uuidListCol('offered_to'),
      c('worker_id', 'uuid'),
      c('check_in_at', 'timestamptz'),
      c('check_in_lat', 'float8'),
      c('check_in_lng', 'float8'),
      c('check_in_distance_m', 'int4'),
      c('check_out_at', 'timestamptz'),
      c('check_out_lat', 'float8'),
      c('check_out_lng', 'float8'),
      c('check_out_distance_m', 'int4'),
      listCol('photo_hashes'),
      c('confirm_code_hash', 'bytea'),
      c('confirm_code_expires_at', 'timestamptz'),
      c('confirmed_by', 'uuid'),
      c('confirmed_at', 'timestamptz'),
      c('rating', 'int2'),
      c('rating_comment', 'varchar'),
      c('close_reason', 'varchar'),
      c('created_at', 'timestamptz'),
      c('updated_at', 'timestamptz'),
    ];
    const eventCols = [
      c('order_id', 'uuid'),
      c('seq', 'int4'),
      c('type', 'varchar'),
      c('from_state', 'varchar'),
      c('to_state', 'varchar'),
      c('actor_user_id', 'uuid'),
      c('actor_role', 'varchar'),
      c('lat', 'float8'),
      c('lng', 'float8'),
      jsonCol('payload'),
      c('region_path', 'varchar'),
      c('elder_id', 'uuid'),
      c('provider_id', 'uuid'),
      c('former_provider_id', 'uuid'),
      c('worker_id', 'uuid'),
      uuidListCol('offered_to'),
      c('at', 'timestamptz'),
    ];
    const offerCols = [
      c('id', 'uuid'),
      c('order_id', 'uuid'),
      c('provider_id', 'uuid'),
      c('round', 'int2'),
      c('state', 'varchar'),
      c('expires_at', 'timestamptz'),
      c('manual', 'bool'),
      c('offered_by', 'uuid'),
      c('offered_by_role', 'varchar'),
      c('created_at', 'timestamptz'),
      c('decided_at', 'timestamptz'),
      c('decided_by', 'uuid'),
      c('decision_reason', 'varchar'),
    ];
    const jobCols = [c('kind', 'varchar'), c('key', 'varchar'), c('due_at', 'timestamptz')];
    counts.order_offer = 0;
    counts.scheduled_job = 0;
    const ts = (d: Date | null) => (d ? d.toISOString() : null);
    // one address ciphertext per elder, reused for that elder's orders (same plaintext snapshot)
    const addressEnc = new Map<string, Buffer>();
    const elderById = new Map(city.elders.map((e) => [e.id, e]));
    for (const batch of generateOrders(city, 1_000)) {
      const rows = batch.orders.map((o) => {
        let enc = addressEnc.get(o.elderId);
        if (!enc) {
          enc = cipher.encrypt(elderById.get(o.elderId)!.address);
          addressEnc.set(o.elderId, enc);
        }
        return [
          o.id,
          o.orderNo,
          o.channel,
          o.elderId,
          o.itemId,
          o.serviceType,
          o.communityCode,
          o.regionPath,
          o.requestedBy,
          ts(o.scheduledStart),
          ts(o.scheduledEnd),
          o.priority,
          o.state,
          o.version,
          enc,
          o.homeLat,
          o.homeLng,
          o.itemNameZh,
          o.unit,
          o.unitPriceCents,
          o.quantity,
          o.totalCents,
          o.minDurationMinutes,
          o.requiredQualification,
          o.note,
          o.providerId,
          ts(o.offerExpiresAt),
          list(o.offeredTo),
          o.workerId,
          ts(o.checkInAt),
          o.checkInLat,
          o.checkInLng,
          o.checkInDistanceM,
          ts(o.checkOutAt),
          o.checkOutLat,
          o.checkOutLng,
          o.checkOutDistanceM,
          list(o.photoHashes),
          o.confirmCodeHash,
          ts(o.confirmCodeExpiresAt),
          o.confirmedBy,
          ts(o.confirmedAt),
          o.rating,
          o.ratingComment,
          o.closeReason,
          ts(o.createdAt),
          ts(o.updatedAt),
        ];
      });
      const ev = batch.events.map((e) => [
        e.orderId,
        e.seq,
        e.type,
        e.fromState,
        e.toState,
        e.actorUserId,
        e.actorRole,
        e.lat,
        e.lng,
        JSON.stringify(e.payload),
        e.regionPath,
        e.elderId,
        e.providerId,
        e.formerProviderId,
        e.workerId,
        list(e.offeredTo),
        e.at.toISOString(),
      ]);
      const offers = batch.offers.map((f) => [
        f.id,
        f.orderId,
        f.providerId,
        f.round,
        f.state,
        f.expiresAt.toISOString(),
        f.manual,
        f.offeredBy,
        f.offeredByRole,
        f.createdAt.toISOString(),
        ts(f.decidedAt),
        f.decidedBy,
        f.decisionReason,
      ]);
      const jobs = batch.jobs.map((j) => [j.kind, j.key, j.dueAt.toISOString()]);
      await pipe.push(async () => {
        await insert(q, 'service_order', orderCols, rows);
        await insert(q, 'order_event', eventCols, ev);
        await insert(q, 'order_offer', offerCols, offers);
        await insert(q, 'scheduled_job', jobCols, jobs);
      });
      counts.service_order += rows.length;
      counts.order_event += batch.events.length;
      counts.order_offer += offers.length;
      counts.scheduled_job += jobs.length;
      progress.advance('orders and events', rows.length);
    }
    await pipe.drain();
    progress.done('orders and events');

    await q.commitTransaction();
  } catch (err) {
    await q.rollbackTransaction();
    throw err;
  } finally {
    await q.release();
  }
  await ds.query(`ANALYZE`);
  return counts;
}
