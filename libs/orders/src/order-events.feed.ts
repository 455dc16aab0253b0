import { Injectable } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import type { OrderState } from './order.entity.js';
import type { OrderEventPayloads, OrderEventRouting, OrderEventType } from './order-events.js';

/**
 * A position in the order event log: every event ordered at or before it has been delivered.
 *
 * The log is ordered by `(xid, id)`: `xid` is the writing transaction's id (`pg_current_xact_id()`),
 * `id` the row's bigserial. The bigserial alone is not a cursor: it is taken at insert, not at commit,
 * so transaction A can take id 3, B id 4, B commit first, and a reader of `id > 3`… never sees 3.
 *
 * The feed therefore reads only events whose transaction is older than the oldest transaction still
 * running, `xid < pg_snapshot_xmin(pg_current_snapshot())` (the horizon). Below the horizon every
 * transaction has ended — committed and visible, or rolled back and gone — and no transaction can
 * still write there (a new transaction's id is above every running one), so that part of the log
 * is final: reading it in `(xid, id)` order from the cursor skips nothing and never sees an event
 * twice. An event of a still-running transaction is above the horizon: it is held back, together
 * with every later one, and delivered once that transaction ends.
 *
 * Serialised as `"<xid>:<id>"` (both decimal); compare with `compareCursors`, not as strings.
 */
export interface OrderEventCursor {
  xid: string;
  id: string;
}

/** Before the first event. */
export const START_OF_ORDER_EVENTS: OrderEventCursor = Object.freeze({ xid: '0', id: '0' });

/** One event as the feed delivers it, with its routing snapshot. */
export interface OrderFeedEvent<T extends OrderEventType = OrderEventType> extends OrderEventRouting {
  /** This event's position: a reader resuming from it gets the events after it. */
  cursor: OrderEventCursor;
  id: string;
  orderId: string;
  /** The order's version after this event. */
  seq: number;
  type: T;
  fromState: OrderState | null;
  toState: OrderState;
  actorUserId: string;
  actorRole: string;
  lat: number | null;
  lng: number | null;
  payload: OrderEventPayloads[T];
  at: Date;
}

export interface OrderEventsPage {
  events: OrderFeedEvent[];
  /**
   * Where to read next. After a full page, the last event's position; otherwise `(horizon, 0)`:
   * everything below the horizon was read, so the next read starts there (never moves backwards).
   */
  cursor: OrderEventCursor;
  /** True when the page was full: read again right away. */
  more: boolean;
}

const DIGITS = /^\d{1,19}$/;

export function formatCursor(c: OrderEventCursor): string {
  return `${c.xid}:${c.id}`;
}

/** Parses `"<xid>:<id>"`; null when malformed (a client's input: never throw on it). */
export function parseCursor(text: string): OrderEventCursor | null {
  const [xid, id, ...rest] = text.split(':');
  if (rest.length || !xid || !id || !DIGITS.test(xid) || !DIGITS.test(id)) return null;
  if (BigInt(xid) > 2n ** 63n - 1n || BigInt(id) > 2n ** 63n - 1n) return null;
  return { xid: BigInt(xid).toString(), id: BigInt(id).toString() };
}

export function compareCursors(a: OrderEventCursor, b: OrderEventCursor): number {
  const x = BigInt(a.xid) - BigInt(b.xid) || BigInt(a.id) - BigInt(b.id);
  return x < 0n ? -1 : x > 0n ? 1 : 0;
}

/** A row of the read: the event's columns (null `id` when nothing is past the cursor) and the horizon. */
type Row = Omit<OrderFeedEvent, 'cursor' | 'id'> & { horizon: string; id: string | null; xid: string };

/** The committed order event log, read in commit-safe order (see `OrderEventCursor`). */
@Injectable()
export class OrderEventsFeed {
  constructor(private readonly txHost: TransactionHost) {}

  /** The events after `cursor` whose transactions have ended, at most `limit`, in `(xid, id)` order. */
  async readAfter(cursor: OrderEventCursor, limit = 500): Promise<OrderEventsPage> {
    const take = Math.max(1, Math.min(Math.trunc(limit), 10_000));
    // One statement, so the horizon and the rows come from the same snapshot; a row with the
    // horizon alone comes back when nothing is past the cursor.
    const rows: Row[] = await this.txHost.tx.query(
      `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon)
       SELECT h.horizon::text AS horizon, e.*
         FROM h LEFT JOIN LATERAL (
           SELECT id, xid::text AS xid, order_id AS "orderId", seq, type, from_state AS "fromState",
                  to_state AS "toState", actor_user_id AS "actorUserId", actor_role AS "actorRole", lat, lng,
                  payload, region_path AS "regionPath", elder_id AS "elderId", provider_id AS "providerId",
                  former_provider_id AS "formerProviderId", worker_id AS "workerId", offered_to AS "offeredTo", at
             FROM order_event
            WHERE (xid, id) > ($1::bigint, $2::bigint) AND xid < h.horizon
            ORDER BY xid, id
            LIMIT $3) e ON true`,
      [cursor.xid, cursor.id, take],
    );
    const events: OrderFeedEvent[] = rows
      .filter((r) => r.id !== null)
      .map(({ horizon: _h, ...r }) => ({ ...r, id: r.id!, cursor: { xid: r.xid, id: r.id! } }));
    const more = events.length === take;
    const horizon: OrderEventCursor = { xid: rows[0].horizon, id: '0' };
    const next = more ? events.at(-1)!.cursor : horizon;
    return { events, cursor: compareCursors(next, cursor) > 0 ? next : cursor, more };
  }

  /** A cursor at the present: reading from it yields only events of transactions running now or later. */
  async now(): Promise<OrderEventCursor> {
    const [row]: { horizon: string }[] = await this.txHost.tx.query(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`,
    );
    return { xid: row.horizon, id: '0' };
  }
}
