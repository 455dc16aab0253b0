import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import { JobScheduler } from '#lib/scheduler';
import { localMonthStart } from '../local-time.js';

export const STATS_JOB = 'dispatch.refresh-provider-stats';
/** How often the ranking's history figures are recomputed. */
export const STATS_REFRESH_MS = 5 * 60_000;
/** Offer outcomes count over this window (acceptance history). */
export const HISTORY_DAYS = 90;

/**
 * Keeps `provider_dispatch_stats` (fairness, rating, acceptance history per provider) fresh: one
 * durable job recomputes every provider's row in a single statement, then schedules itself again
 * (exactly once across instances; at start every instance makes sure the job exists).
 */
@Injectable()
export class ProviderStatsRefresher implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly txHost: TransactionHost,
    private readonly jobs: JobScheduler,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(STATS_JOB, () => this.refreshAndReschedule());
  }

  async onApplicationBootstrap(): Promise<void> {
    // due now at every start: the table may be empty (new database) or stale (the app was down)
    await this.jobs.schedule(STATS_JOB, 'all', new Date());
  }

  /** Recomputes every provider's figures now (also for tests and the seed). */
  async refresh(now = new Date()): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO provider_dispatch_stats AS s (provider_id, month_start, orders_this_month, rating_sum, rating_count,
         offers_accepted, offers_rejected, offers_expired, refreshed_at)
       SELECT p.id, $1, coalesce(o.month, 0), coalesce(o.rating_sum, 0), coalesce(o.rating_count, 0),
              coalesce(f.accepted, 0), coalesce(f.rejected, 0), coalesce(f.expired, 0), now()
         FROM provider p
         LEFT JOIN (SELECT provider_id, count(*) FILTER (WHERE created_at >= $1)::int AS month,
                           coalesce(sum(rating), 0)::int AS rating_sum, count(rating)::int AS rating_count
                      FROM service_order WHERE provider_id IS NOT NULL AND state NOT IN ('PENDING_DISPATCH','OFFERED')
                     GROUP BY provider_id) o ON o.provider_id = p.id
         LEFT JOIN (SELECT provider_id, count(*) FILTER (WHERE state = 'ACCEPTED')::int AS accepted,
                           count(*) FILTER (WHERE state = 'REJECTED')::int AS rejected,
                           count(*) FILTER (WHERE state = 'EXPIRED')::int AS expired
                      FROM order_offer WHERE created_at >= $2 GROUP BY provider_id) f ON f.provider_id = p.id
       ON CONFLICT (provider_id) DO UPDATE SET month_start = excluded.month_start,
         orders_this_month = excluded.orders_this_month, rating_sum = excluded.rating_sum,
         rating_count = excluded.rating_count, offers_accepted = excluded.offers_accepted,
         offers_rejected = excluded.offers_rejected, offers_expired = excluded.offers_expired,
         refreshed_at = excluded.refreshed_at`,
      [localMonthStart(now), new Date(now.getTime() - HISTORY_DAYS * 86_400_000)],
    );
  }

  private async refreshAndReschedule(): Promise<void> {
    await this.refresh();
    await this.jobs.schedule(STATS_JOB, 'all', new Date(Date.now() + STATS_REFRESH_MS));
  }
}
