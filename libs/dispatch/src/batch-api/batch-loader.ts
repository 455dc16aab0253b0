import { Injectable } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import { BatchError, BatchErrorCode } from './batch-api.errors.js';
import {
  MAX_BATCH_ORDERS,
  toBatchInput,
  type BatchOrderRow,
  type BatchProviderRow,
  type BatchWorkerRow,
  type MappedBatch,
  type ServiceDay,
} from './batch-input.js';

/** What a plan is made from: the core's input plus what the API shows and the commit needs per order. */
export interface LoadedBatch extends MappedBatch {
  orders: readonly BatchOrderRow[];
}

/**
 * Reads a day's batch in three queries through the ambient transaction (none when planning; the
 * commit's when committing):
 *  1. the PENDING_DISPATCH orders of the region's subtree (`region_path LIKE prefix%`, btree on the
 *     "C"-collated path) whose scheduled_start falls on the local day, with their community's level;
 *  2. the providers holding a contract valid on the day for one of those communities (GIN index on
 *     `community_codes`), with those contracts — a district provider without such a contract could
 *     serve none of the orders, so it is not loaded;
 *  3. their workers, each with the orders it already holds (ACCEPTED, EN_ROUTE, IN_SERVICE; partial
 *     index on `worker_id`) as a json aggregate.
 */
@Injectable()
export class BatchLoader {
  constructor(private readonly txHost: TransactionHost) {}

  /** The day's batch; with `onlyOrders`, just those of its orders (a commit re-checking its plan). */
  async load(regionPath: string, day: ServiceDay, now: Date, onlyOrders?: readonly string[]): Promise<LoadedBatch> {
    const orders: BatchOrderRow[] = await this.txHost.tx.query(
      `SELECT o.id, o.order_no AS "orderNo", o.service_type AS "serviceType", o.community_code AS "communityCode",
              r.level AS "communityLevel", o.home_lat AS "homeLat", o.home_lng AS "homeLng",
              o.scheduled_start AS "scheduledStart", o.scheduled_end AS "scheduledEnd",
              o.min_duration_minutes AS "minDurationMinutes", o.unit, o.quantity,
              o.required_qualification AS "requiredQualification"
         FROM service_order o
         JOIN region r ON r.code = o.community_code
        WHERE o.state = 'PENDING_DISPATCH' AND o.region_path LIKE $1
          AND o.scheduled_start >= $2 AND o.scheduled_start < $3
          AND ($5::uuid[] IS NULL OR o.id = ANY($5::uuid[]))
        ORDER BY o.id
        LIMIT $4`,
      [`${regionPath}%`, day.start, day.end, MAX_BATCH_ORDERS + 1, onlyOrders ?? null],
    );
    if (orders.length > MAX_BATCH_ORDERS)
      throw new BatchError(
        BatchErrorCode.BATCH_TOO_LARGE,
        `more than ${MAX_BATCH_ORDERS} scheduled orders wait for dispatch there on ${day.date}: plan street by street`,
        { maxOrders: MAX_BATCH_ORDERS },
      );
    if (orders.length === 0) return { orders, input: { orders: [], providers: [], workers: [] }, excluded: [] };
    const communities = [...new Set(orders.map((o) => o.communityCode))];
    const providers: BatchProviderRow[] = await this.txHost.tx.query(
      `SELECT p.id, p.status, p.base_lat AS "baseLat", p.base_lng AS "baseLng", p.capacity,
              p.opening_hours AS "openingHours", c.contracts
         FROM provider p
         JOIN LATERAL (
           SELECT json_agg(json_build_object(
                    'serviceTypes', pc.service_types, 'communityCodes', pc.community_codes,
                    'validFrom', to_char(pc.valid_from, 'YYYY-MM-DD'), 'validTo', to_char(pc.valid_to, 'YYYY-MM-DD'))
                    ORDER BY pc.id) AS contracts
             FROM provider_contract pc
            WHERE pc.provider_id = p.id AND pc.community_codes && $1::varchar[]
              AND pc.valid_from <= $2::date AND pc.valid_to >= $2::date
         ) c ON c.contracts IS NOT NULL
        ORDER BY p.id`,
      [communities, day.date],
    );
    const workers: BatchWorkerRow[] = providers.length
      ? await this.txHost.tx.query(
          `SELECT w.id, w.provider_id AS "providerId", w.status, w.qualifications, w.shifts, b.busy
             FROM worker w
             LEFT JOIN LATERAL (
               SELECT json_agg(json_build_object(
                        'orderId', o.id, 'scheduledStart', o.scheduled_start, 'scheduledEnd', o.scheduled_end,
                        'minDurationMinutes', o.min_duration_minutes, 'unit', o.unit, 'quantity', o.quantity)) AS busy
                 FROM service_order o
                WHERE o.worker_id = w.id AND o.state IN ('ACCEPTED', 'EN_ROUTE', 'IN_SERVICE')
             ) b ON true
            WHERE w.provider_id = ANY($1::uuid[])
            ORDER BY w.id`,
          [providers.map((p) => p.id)],
        )
      : [];
    return { orders, ...toBatchInput({ orders, providers, workers }, day, now) };
  }
}
