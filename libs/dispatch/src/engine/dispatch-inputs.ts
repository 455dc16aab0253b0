import { Injectable } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import type { OrderForDispatch } from '#lib/orders';
import type { WeeklyHours } from '#lib/providers';
import { contractCovers } from '../candidates.js';
import { localDate, localMonthStart } from '../local-time.js';
import { areaTypeOfLevel, type AreaType } from '../travel-time.js';
import type { ContractSnapshot, DispatchRequest, ProviderSnapshot, WorkerSnapshot } from '../types.js';

interface ProviderRow {
  id: string;
  status: string;
  base_lat: number;
  base_lng: number;
  opening_hours: WeeklyHours;
  capacity: number;
  district_code: string;
  open_offers: number;
  active_orders: number;
  orders_this_month: number;
  rating_sum: number;
  rating_count: number;
  offers_accepted: number;
  offers_rejected: number;
  offers_expired: number;
  contracts: { serviceTypes: string[]; communityCodes: string[]; validFrom: string; validTo: string }[];
}

interface WorkerRow {
  id: string;
  provider_id: string;
  status: string;
  qualifications: string[];
  shifts: WeeklyHours;
  orders_today: number;
  commitments: { orderId: string; from: string; to: string | null }[];
}

/**
 * Loads what one dispatch decision needs, in three indexed queries: the order's community (area
 * type, district), the providers of the district plus any contracted for the community elsewhere
 * (with contracts, live load and the refreshed history of provider_dispatch_stats), and the workers of the providers
 * contracted for it (with today's commitments). Workers of providers without a contract are not
 * loaded: they are filtered out by NO_CONTRACT whatever their workers do.
 */
@Injectable()
export class DispatchInputs {
  constructor(private readonly txHost: TransactionHost) {}

  async community(code: string): Promise<{ areaType: AreaType; districtCode: string; streetCode: string }> {
    const [row] = (await this.txHost.tx.query(
      `SELECT c.level, s.code AS street, s.parent_code AS district
         FROM region c JOIN region s ON s.code = c.parent_code WHERE c.code = $1`,
      [code],
    )) as { level: string; street: string; district: string }[];
    return { areaType: areaTypeOfLevel(row.level), districtCode: row.district, streetCode: row.street };
  }

  async request(order: OrderForDispatch, areaType: AreaType, now: Date): Promise<DispatchRequest> {
    const [prev] = (await this.txHost.tx.query(
      `SELECT provider_id FROM service_order
        WHERE elder_id = $1 AND service_type = $2 AND state IN ('COMPLETED','CONFIRMED','DISPUTED','RESOLVED')
          AND provider_id IS NOT NULL AND id <> $3
        ORDER BY created_at DESC LIMIT 1`,
      [order.elderId, order.serviceType, order.id],
    )) as { provider_id: string }[];
    return {
      orderId: order.id,
      serviceType: order.serviceType,
      communityCode: order.communityCode,
      areaType,
      home: order.home,
      at: order.scheduledStart && order.scheduledStart > now ? order.scheduledStart : now,
      durationMinutes: order.minDurationMinutes,
      requiredQualification: order.requiredQualification,
      priceCents: order.unitPriceCents,
      previousProviderId: prev?.provider_id ?? null,
    };
  }

  /** Providers that could serve `request` (district + contracted for the community), with their workers. */
  async providers(request: DispatchRequest, districtCode: string, now: Date): Promise<ProviderSnapshot[]> {
    // load (open offers, active orders) is counted live through partial indexes; the slow-moving
    // history (this month's orders, ratings, offer outcomes) comes from provider_dispatch_stats,
    // recomputed every few minutes (ProviderStatsRefresher); orders this month count from its month
    const rows: ProviderRow[] = await this.txHost.tx.query(
      `SELECT p.id, p.status, p.base_lat, p.base_lng, p.opening_hours, p.capacity, p.district_code,
              (SELECT count(*)::int FROM order_offer f WHERE f.provider_id = p.id AND f.state = 'OPEN') AS open_offers,
              (SELECT count(*)::int FROM service_order s
                WHERE s.provider_id = p.id AND s.state IN ('ACCEPTED','EN_ROUTE','IN_SERVICE')
                  -- an accepted booking counts against capacity only when its window meets the service's
                  AND (s.state <> 'ACCEPTED'
                       OR ((s.scheduled_start IS NULL OR s.scheduled_start < $5)
                           AND (s.scheduled_end IS NULL OR s.scheduled_end > $4)))) AS active_orders,
              CASE WHEN h.month_start = $3 THEN h.orders_this_month ELSE 0 END AS orders_this_month,
              coalesce(h.rating_sum, 0) AS rating_sum, coalesce(h.rating_count, 0) AS rating_count,
              coalesce(h.offers_accepted, 0) AS offers_accepted, coalesce(h.offers_rejected, 0) AS offers_rejected,
              coalesce(h.offers_expired, 0) AS offers_expired,
              (SELECT coalesce(json_agg(json_build_object('serviceTypes', c.service_types, 'communityCodes', c.community_codes,
                        'validFrom', c.valid_from, 'validTo', c.valid_to)), '[]'::json)
                 FROM provider_contract c WHERE c.provider_id = p.id) AS contracts
         FROM provider p
         LEFT JOIN provider_dispatch_stats h ON h.provider_id = p.id
        WHERE p.district_code = $1
           OR p.id IN (SELECT provider_id FROM provider_contract WHERE community_codes @> ARRAY[$2]::varchar[])`,
      [
        districtCode,
        request.communityCode,
        localMonthStart(now),
        request.at,
        new Date(request.at.getTime() + request.durationMinutes * 60_000),
      ],
    );
    const date = localDate(request.at);
    const contracted = rows
      .filter((r) =>
        r.contracts.some((c) =>
          contractCovers(c as ContractSnapshot, request.serviceType, request.communityCode, date),
        ),
      )
      .map((r) => r.id);
    const workers = await this.workers(contracted, now);
    return rows.map((r) => ({
      id: r.id,
      status: r.status as ProviderSnapshot['status'],
      base: { lat: r.base_lat, lng: r.base_lng },
      openingHours: r.opening_hours,
      capacity: r.capacity,
      openOffers: r.open_offers,
      activeOrders: r.active_orders,
      contracts: r.contracts,
      // not loaded for providers without a contract for the order (NO_CONTRACT rules them out)
      workers: contracted.includes(r.id) ? (workers.get(r.id) ?? []) : null,
      stats: {
        ordersThisMonth: r.orders_this_month,
        ratingSum: r.rating_sum,
        ratingCount: r.rating_count,
        offersAccepted: r.offers_accepted,
        offersRejected: r.offers_rejected,
        offersExpired: r.offers_expired,
        priceCents: null,
      },
    }));
  }

  /** The workers of these providers, with what they are committed to (active orders) and today's load. */
  async workers(providerIds: readonly string[], now: Date): Promise<Map<string, WorkerSnapshot[]>> {
    const out = new Map<string, WorkerSnapshot[]>();
    if (providerIds.length === 0) return out;
    const dayStart = new Date(`${localDate(now)}T00:00:00+08:00`);
    const rows: WorkerRow[] = await this.txHost.tx.query(
      `SELECT w.id, w.provider_id, w.status, w.qualifications, w.shifts,
              coalesce(c.orders_today, 0)::int AS orders_today, coalesce(c.commitments, '[]'::json) AS commitments
         FROM worker w
         LEFT JOIN LATERAL (
           SELECT count(*) FILTER (WHERE s.updated_at >= $2) AS orders_today,
                  json_agg(json_build_object('orderId', s.id, 'from', coalesce(s.scheduled_start, s.updated_at),
                    'to', s.scheduled_end)) FILTER (WHERE s.state IN ('ACCEPTED','EN_ROUTE','IN_SERVICE')) AS commitments
             FROM service_order s
            WHERE s.worker_id = w.id AND (s.state IN ('ACCEPTED','EN_ROUTE','IN_SERVICE') OR s.updated_at >= $2)) c ON true
        WHERE w.provider_id = ANY($1::uuid[])`,
      [providerIds, dayStart],
    );
    for (const w of rows) {
      const list = out.get(w.provider_id) ?? [];
      list.push({
        id: w.id,
        status: w.status as WorkerSnapshot['status'],
        qualifications: w.qualifications,
        shifts: w.shifts,
        ordersToday: w.orders_today,
        commitments: w.commitments.map((c) => ({
          orderId: c.orderId,
          from: new Date(c.from),
          // an order in progress without a planned end holds the worker open-ended
          to: c.to ? new Date(c.to) : null,
        })),
      });
      out.set(w.provider_id, list);
    }
    return out;
  }
}
