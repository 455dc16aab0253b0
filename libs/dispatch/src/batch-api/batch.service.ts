import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import { isUuid, regionCovers, Role, type Actor } from '#lib/kernel';
import { OrderOffers, OrderState } from '#lib/orders';
import { RegionsService } from '#lib/regions';
import { validateBatchPlan } from '../batch/batch-validate.js';
import { dispatchConfig, type DispatchConfig } from '../config.js';
import { offerDeadline } from '../decide.js';
import { StraightLineTravelTime } from '../travel-time.js';
import { BatchError, BatchErrorCode, batchFieldInvalid, batchNotFound } from './batch-api.errors.js';
import { batchDateProblem, isPlannableLevel, serviceDay, PLANNABLE_LEVELS } from './batch-input.js';
import { BatchLoader } from './batch-loader.js';
import {
  batchView,
  emptyBatchResult,
  splitCommit,
  storedPlan,
  type BatchRow,
  type BatchView,
  type CommitOffer,
  type CommitResult,
  type InputSummary,
  type StoredOptimisedPlan,
} from './batch-record.js';
import { BatchSolverThread } from './batch-solver.thread.js';

/** Who plans and commits batches: a street's hub, a district's dispatch centre, the platform. */
export const BATCH_PLANNERS: readonly Role[] = [Role.HUB_STAFF, Role.DISTRICT_DISPATCHER, Role.PLATFORM_ADMIN];

/** Optional settings (the dispatch configuration from the environment); defaults otherwise. */
export interface BatchSettings {
  config?: DispatchConfig;
}
export const BATCH_SETTINGS = Symbol('BATCH_SETTINGS');

export interface CreateBatchRequest {
  regionCode: string;
  date: string;
}

const BATCH_COLUMNS = `b.id, b.region_code AS "regionCode", r.name AS "regionName", r.level AS "regionLevel",
  b.region_path AS "regionPath", to_char(b.service_date, 'YYYY-MM-DD') AS "date", b.state,
  b.created_by AS "createdBy", b.created_at AS "createdAt", b.committed_at AS "committedAt",
  b.committed_by AS "committedBy", b.input_summary AS "inputSummary", b.plan, b.greedy, b.result`;

/**
 * Batch assignment of a day's scheduled orders (issue 8, item 8). Planning reads the day (BatchLoader,
 * no transaction held), solves it in the solver's worker thread (optimised and greedy on the same
 * input) and stores the DRAFT. Committing re-reads the day in one transaction with the batch row and
 * the planned orders locked, skips orders no longer waiting, checks the rest of the plan against the
 * current workers, providers and commitments (`validateBatchPlan`), and makes one offer per
 * assignment through OrderOffers — all or nothing.
 */
@Injectable()
export class BatchService {
  private readonly config: DispatchConfig;

  constructor(
    private readonly txHost: TransactionHost,
    private readonly regions: RegionsService,
    private readonly loader: BatchLoader,
    private readonly solver: BatchSolverThread,
    private readonly offers: OrderOffers,
    @Optional() @Inject(BATCH_SETTINGS) settings?: BatchSettings,
  ) {
    this.config = settings?.config ?? dispatchConfig();
  }

  async plan(actor: Actor, req: CreateBatchRequest, now = new Date()): Promise<BatchView> {
    const dateProblem = batchDateProblem(req.date, now);
    if (dateProblem) throw batchFieldInvalid('date', dateProblem);
    const region = await this.regions.findRegion(req.regionCode);
    if (!region || !regionCovers(actor.regionPath, region.path))
      throw new BatchError(
        BatchErrorCode.REGION_NOT_FOUND,
        `regionCode: no region ${req.regionCode} in your scope (unknown, or outside your region)`,
        { field: 'regionCode' },
      );
    if (!isPlannableLevel(region.level))
      throw new BatchError(
        BatchErrorCode.REGION_NOT_PLANNABLE,
        `regionCode: ${region.code} is a ${region.level}; a batch plans a ${PLANNABLE_LEVELS.join(' or a ')}`,
        { field: 'regionCode', level: region.level },
      );

    const day = serviceDay(req.date);
    const loaded = await this.loader.load(region.path, day, now);
    const solved = loaded.input.orders.length
      ? await this.solver.solve(loaded.input, this.config)
      : { result: emptyBatchResult(), solveMs: 0, wallMs: 0, threadId: null };
    const { result } = solved;
    const orderNos = new Map(loaded.orders.map((o) => [o.id, o.orderNo]));
    const penalty = this.config.batch.unassignedPenaltyMinutes;
    const plan: StoredOptimisedPlan = {
      ...storedPlan(result.optimised, orderNos, loaded.excluded, penalty),
      solver: {
        status: result.optimised.status,
        solveMs: solved.solveMs,
        wallMs: solved.wallMs,
        threadId: solved.threadId,
        model: result.model,
      },
    };
    const greedy = storedPlan(result.greedy, orderNos, loaded.excluded, penalty);
    const summary: InputSummary = {
      orders: loaded.orders.length,
      providers: loaded.input.providers.length,
      workers: loaded.input.workers.length,
      dayStart: day.start.toISOString(),
      dayEnd: day.end.toISOString(),
      excluded: loaded.excluded,
    };
    const id = randomUUID();
    await this.txHost.tx.query(
      `INSERT INTO dispatch_batch (id, region_code, region_path, service_date, state, created_by, input_summary, plan, greedy)
       VALUES ($1, $2, $3, $4::date, 'DRAFT', $5, $6, $7, $8)`,
      [
        id,
        region.code,
        region.path,
        req.date,
        actor.userId,
        JSON.stringify(summary),
        JSON.stringify(plan),
        JSON.stringify(greedy),
      ],
    );
    return batchView((await this.find(id))!);
  }

  async get(actor: Actor, id: string): Promise<BatchView> {
    return batchView(await this.visible(actor, id));
  }

  /**
   * Makes the plan's offers, in one transaction: a second commit (or one racing this) gets 409
   * BATCH_NOT_DRAFT; a plan that no longer holds gets 409 BATCH_PLAN_STALE and changes nothing.
   * Each offer's deadline is the commit time + the item's acceptance SLA (`service_item.accept_sla_minutes`).
   */
  async commit(actor: Actor, id: string, now = new Date()): Promise<BatchView> {
    await this.txHost.withTransaction(async () => {
      const batch = await this.visible(actor, id, { lock: true });
      if (batch.state !== 'DRAFT')
        throw new BatchError(BatchErrorCode.BATCH_NOT_DRAFT, `this batch is already ${batch.state.toLowerCase()}`, {
          state: batch.state,
        });
      const planned = batch.plan.assignments;
      // lock the planned orders in id order (as the loader and every other batch do): no deadlocks
      const current: { id: string; state: string; acceptSlaMinutes: number }[] = planned.length
        ? await this.txHost.tx.query(
            `SELECT o.id, o.state, i.accept_sla_minutes AS "acceptSlaMinutes"
               FROM service_order o JOIN service_item i ON i.id = o.item_id
              WHERE o.id = ANY($1::uuid[]) ORDER BY o.id FOR UPDATE OF o`,
            [planned.map((a) => a.orderId)],
          )
        : [];
      const byId = new Map(current.map((o) => [o.id, o]));
      const pending = planned.filter((a) => byId.get(a.orderId)?.state === OrderState.PENDING_DISPATCH);
      const offeredBefore: { order_id: string; provider_id: string }[] = pending.length
        ? await this.txHost.tx.query(
            `SELECT DISTINCT order_id, provider_id FROM order_offer WHERE order_id = ANY($1::uuid[])`,
            [pending.map((a) => a.orderId)],
          )
        : [];
      const { toOffer, skipped } = splitCommit(
        planned,
        new Map(current.map((o) => [o.id, o.state])),
        new Set(offeredBefore.map((r) => `${r.order_id}|${r.provider_id}`)),
      );
      if (toOffer.length) {
        const { input, excluded } = await this.loader.load(
          batch.regionPath,
          serviceDay(batch.date),
          now,
          toOffer.map((a) => a.orderId),
        );
        const passed = new Set(excluded.map((e) => e.orderId));
        const travel = new StraightLineTravelTime(this.config.speedModel);
        const problems = [
          ...[...passed].map((id) => `${id}: the visit no longer fits in its window`),
          ...validateBatchPlan(
            input,
            { assignments: toOffer.filter((a) => !passed.has(a.orderId)) },
            this.config,
            travel,
          ),
        ];
        if (problems.length)
          throw new BatchError(
            BatchErrorCode.BATCH_PLAN_STALE,
            `the plan no longer holds (${problems.length} problem${problems.length > 1 ? 's' : ''}, e.g. ${problems[0]}): plan the day again`,
            { problems: problems.slice(0, 50) },
          );
      }
      const offered: CommitOffer[] = [];
      for (const a of toOffer) {
        const expiresAt = offerDeadline(now, byId.get(a.orderId)!.acceptSlaMinutes);
        await this.offers.offer(actor, a.orderId, {
          offers: [
            {
              providerId: a.providerId,
              expiresAt,
              plannedWorkerId: a.workerId,
              plannedStart: new Date(a.start),
              explanation: {
                source: 'BATCH',
                batchId: batch.id,
                travelMinutes: a.travelMinutes,
                plannedStart: a.start,
                plannedEnd: a.end,
                workerId: a.workerId,
                solverStatus: batch.plan.solver.status,
              },
            },
          ],
          manual: true,
          reason: `batch plan ${batch.id}`,
        });
        offered.push({
          orderId: a.orderId,
          orderNo: a.orderNo,
          providerId: a.providerId,
          workerId: a.workerId,
          plannedStart: a.start,
          expiresAt: expiresAt.toISOString(),
        });
      }
      const result: CommitResult = { offered, skipped };
      await this.txHost.tx.query(
        `UPDATE dispatch_batch SET state = 'COMMITTED', committed_at = $2, committed_by = $3, result = $4 WHERE id = $1`,
        [batch.id, now, actor.userId, JSON.stringify(result)],
      );
    });
    return batchView((await this.find(id))!);
  }

  /** The batch if the actor's region covers it; 404 otherwise (unknown, malformed or out of scope alike). */
  private async visible(actor: Actor, id: string, opts: { lock?: boolean } = {}): Promise<BatchRow> {
    const row = isUuid(id) ? await this.find(id, opts) : null;
    if (!row || !regionCovers(actor.regionPath, row.regionPath)) throw batchNotFound();
    return row;
  }

  private async find(id: string, opts: { lock?: boolean } = {}): Promise<BatchRow | null> {
    const rows: BatchRow[] = await this.txHost.tx.query(
      `SELECT ${BATCH_COLUMNS} FROM dispatch_batch b JOIN region r ON r.code = b.region_code
        WHERE b.id = $1${opts.lock ? ' FOR UPDATE OF b' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }
}
