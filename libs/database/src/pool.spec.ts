import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { DomainError } from '#lib/kernel';
import { BusyAwarePool, DatabaseBusyError, isAcquireTimeout } from './pool.js';

/** A stand-in for pg.Client, so the real pg-pool runs without a server. */
class FakeClient extends EventEmitter {
  static connects = true;
  private pending?: (err?: Error) => void;
  _queryable = true;
  _ending = false;
  connect(cb: (err?: Error) => void): void {
    if (FakeClient.connects) setImmediate(() => cb());
    else this.pending = cb; // never answers, like a server that does not respond
  }
  isConnected(): boolean {
    return FakeClient.connects;
  }
  end(cb?: () => void): void {
    this._ending = true;
    this.pending?.(new Error('Connection terminated'));
    cb?.();
  }
  ref(): void {}
  unref(): void {}
}

const pool = (max: number, connectionTimeoutMillis: number) =>
  new BusyAwarePool({ max, connectionTimeoutMillis, Client: FakeClient as unknown as typeof pg.Client });

describe('BusyAwarePool (real pg-pool, fake client)', () => {
  it('turns "waited too long for a free connection" into DatabaseBusyError (promise and callback forms)', async () => {
    FakeClient.connects = true;
    const p = pool(1, 50);
    const held = await p.connect();
    const started = Date.now();
    const err = await p.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(err).toBeInstanceOf(DatabaseBusyError);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({
      code: 'DATABASE_BUSY',
      kind: 'UNAVAILABLE',
      timeoutMs: 50,
      pool: { size: 1, inUse: 1, waiting: 0 },
      details: { retryAfterSeconds: 1 },
    });
    // the original pg-pool error is kept as the cause; if pg-pool rewords it, this test fails
    expect(isAcquireTimeout((err as DatabaseBusyError).cause)).toBe(true);

    const viaCallback = await new Promise((resolve) => p.connect((e) => resolve(e)));
    expect(viaCallback).toBeInstanceOf(DatabaseBusyError);

    held.release();
    const again = await p.connect(); // the pool works again once a connection is free
    again.release();
    await p.end();
  });

  it('turns "could not open a connection in time" into DatabaseBusyError', async () => {
    FakeClient.connects = false;
    const p = pool(2, 30);
    const err = await p.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabaseBusyError);
    FakeClient.connects = true;
    await p.end();
  });

  it('leaves every other error alone', () => {
    expect(isAcquireTimeout(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(false);
    expect(isAcquireTimeout(new Error('canceling statement due to statement timeout'))).toBe(false);
    expect(isAcquireTimeout('timeout exceeded when trying to connect')).toBe(false);
    expect(isAcquireTimeout(new DatabaseBusyError(1, { size: 1, inUse: 1, waiting: 0 }))).toBe(false);
  });

  it('advises a retry after about as long as the request waited', () => {
    expect(new DatabaseBusyError(5_000, { size: 2, inUse: 2, waiting: 9 }).details).toEqual({ retryAfterSeconds: 5 });
    expect(new DatabaseBusyError(200, { size: 2, inUse: 2, waiting: 9 }).details).toEqual({ retryAfterSeconds: 1 });
  });
});
