import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  OrderEventsFeed,
  compareCursors,
  formatCursor,
  parseCursor,
  type OrderEventCursor,
  type OrderFeedEvent,
} from '#lib/orders';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { orderDriver } from '../support/orders.js';

/**
 * Defect 1 of the real-time issue: `order_event.id` is taken at insert, not at commit, so a reader of
 * `id > cursor` loses an event whose transaction commits after a later id's. The feed reads by
 * `(xid, id)` below the oldest running transaction instead.
 */
describe('order event feed: commit-safe cursor', () => {
  let t: TestApp;
  let feed: OrderEventsFeed;
  let orderId: string;
  let elderId: string;
  let region: string;
  let actor: string;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    feed = t.app.get(OrderEventsFeed);
    const d = orderDriver(t);
    orderId = await d.orderAt('PENDING_DISPATCH');
    const [o]: { elder_id: string; region_path: string; requested_by: string }[] = await t.ds.query(
      `SELECT elder_id, region_path, requested_by FROM service_order WHERE id = $1`,
      [orderId],
    );
    ({ elder_id: elderId, region_path: region, requested_by: actor } = o);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end()));
  });
  afterAll(async () => t.close());

  let seq = 100;
  const client = async () => {
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    clients.push(c);
    return c;
  };
  /** A raw event row for the test order (a distinct seq each, as OrdersService would write). */
  const insertEvent = async (c: pg.Client, note: string): Promise<string> => {
    const res = await c.query<{ id: string }>(
      `INSERT INTO order_event (order_id, seq, type, from_state, to_state, actor_user_id, actor_role, payload, region_path, elder_id)
       VALUES ($1, $2, 'CANCEL', 'PENDING_DISPATCH', 'CANCELLED', $3, 'FAMILY', $4, $5, $6) RETURNING id`,
      [orderId, seq++, actor, JSON.stringify({ reason: note }), region, elderId],
    );
    return res.rows[0].id;
  };
  /** Reads the feed from `cursor` until it has nothing more now. */
  const drain = async (cursor: OrderEventCursor) => {
    const events: OrderFeedEvent[] = [];
    for (;;) {
      const page = await feed.readAfter(cursor, 2);
      expect(compareCursors(page.cursor, cursor)).toBeGreaterThanOrEqual(0); // never moves backwards
      events.push(...page.events);
      cursor = page.cursor;
      if (!page.more) return { events, cursor };
    }
  };
  /**
   * Drains until `want` ids were seen (the horizon is cluster-wide: another test file's open
   * transaction on the same server may hold it back for a moment).
   */
  const drainUntil = async (cursor: OrderEventCursor, want: string[]) => {
    const events: OrderFeedEvent[] = [];
    const deadline = Date.now() + 10_000;
    while (!want.every((id) => events.some((e) => e.id === id)) && Date.now() < deadline) {
      const got = await drain(cursor);
      events.push(...got.events);
      cursor = got.cursor;
      if (!want.every((id) => events.some((e) => e.id === id))) await new Promise((r) => setTimeout(r, 50));
    }
    return { events, cursor };
  };

  it('A takes id n and stays open, B takes n+1 and commits: the naive id cursor loses A; the feed delivers A after it commits', async () => {
    const start = await feed.now();
    const [{ max }] = (await t.ds.query(`SELECT coalesce(max(id), 0)::text AS max FROM order_event`)) as {
      max: string;
    }[];
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    const idA = await insertEvent(a, 'A');
    await b.query('BEGIN');
    const idB = await insertEvent(b, 'B');
    await b.query('COMMIT');
    expect(BigInt(idA)).toBeLessThan(BigInt(idB));

    // the naive reader sees B and advances past A's id
    const reader = await client();
    const naive1 = await reader.query<{ id: string }>(`SELECT id FROM order_event WHERE id > $1 ORDER BY id`, [max]);
    expect(naive1.rows.map((r) => r.id)).toEqual([idB]);
    const naiveCursor = idB;

    // the feed holds B back while A (an older transaction) is running: nothing of A or B yet
    const before = await drain(start);
    expect(before.events.map((e) => e.id)).not.toContain(idB);
    expect(before.events.map((e) => e.id)).not.toContain(idA);

    await a.query('COMMIT');

    // naive: A's event is never seen again
    const naive2 = await reader.query<{ id: string }>(`SELECT id FROM order_event WHERE id > $1 ORDER BY id`, [
      naiveCursor,
    ]);
    expect(naive2.rows.map((r) => r.id)).not.toContain(idA);

    // the feed, from the cursor it handed out: A then B (commit-safe order), each once
    const after = await drainUntil(before.cursor, [idA, idB]);
    const ours = after.events.filter((e) => e.id === idA || e.id === idB);
    expect(ours.map((e) => e.id)).toEqual([idA, idB]);
    expect(ours[0]).toMatchObject({
      orderId,
      type: 'CANCEL',
      payload: { reason: 'A' },
      elderId,
      regionPath: region,
      providerId: null,
    });
    expect(compareCursors(ours[0].cursor, ours[1].cursor)).toBeLessThan(0);
    // and never again
    const again = await drain(after.cursor);
    expect(again.events.map((e) => e.id)).not.toContain(idA);
    expect(again.events.map((e) => e.id)).not.toContain(idB);
  });

  it('a rolled-back event is never delivered and does not hold the feed back once it has ended', async () => {
    const start = await feed.now();
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    const idA = await insertEvent(a, 'rolled back');
    const idB = await insertEvent(b, 'autocommit');
    await a.query('ROLLBACK');
    const got = await drainUntil(start, [idB]);
    expect(got.events.map((e) => e.id)).toContain(idB);
    expect(got.events.map((e) => e.id)).not.toContain(idA);
  });

  it('events written by the service come out with their cursor, in order; pages resume exactly where they stopped', async () => {
    const start = await feed.now();
    const d = orderDriver(t);
    const id = await d.orderAt('IN_SERVICE'); // CREATED, OFFER, ACCEPT, DEPART, CHECK_IN
    const deadline = Date.now() + 10_000;
    let all: OrderFeedEvent[] = [];
    while (Date.now() < deadline) {
      all = (await drain(start)).events.filter((e) => e.orderId === id);
      if (all.length === 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(all.map((e) => e.type)).toEqual(['CREATED', 'OFFER', 'ACCEPT', 'DEPART', 'CHECK_IN']);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < all.length; i++) expect(compareCursors(all[i - 1].cursor, all[i].cursor)).toBeLessThan(0);
    expect(all[2]).toMatchObject({ providerId: t.city.provider.a, workerId: t.city.worker.a });
    // resuming from any event's cursor yields exactly the ones after it
    const rest = (await drain(all[1].cursor)).events.filter((e) => e.orderId === id);
    expect(rest.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('cursors round-trip as "<xid>:<id>" and malformed ones are refused', () => {
    const c = { xid: '123456', id: '42' };
    expect(formatCursor(c)).toBe('123456:42');
    expect(parseCursor('123456:42')).toEqual(c);
    expect(parseCursor('0123:7')).toEqual({ xid: '123', id: '7' });
    for (const bad of [
      '',
      '1',
      '1:',
      ':1',
      '1:2:3',
      'a:1',
      '-1:2',
      '1.5:2',
      '99999999999999999999:1',
      '1:9223372036854775808',
    ])
      expect({ bad, parsed: parseCursor(bad) }).toEqual({ bad, parsed: null });
    expect(compareCursors({ xid: '2', id: '1' }, { xid: '10', id: '0' })).toBe(-1); // numeric, not string order
    expect(compareCursors({ xid: '10', id: '5' }, { xid: '10', id: '5' })).toBe(0);
  });
});
