import { describe, expect, it } from '@jest/globals';
import { setImmediate as tick } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { TransactionHost } from './transaction-host.js';

/** A DataSource stand-in: `manager` is the pool; each transaction gets its own manager and records how it ended. */
function fakeDataSource() {
  const pool = { name: 'pool' } as unknown as EntityManager;
  const ended: { name: string; outcome: 'commit' | 'rollback' }[] = [];
  let n = 0;
  const ds = {
    manager: pool,
    async transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
      const m = { name: `tx${++n}` } as unknown as EntityManager & { name: string };
      try {
        const result = await fn(m);
        ended.push({ name: m.name, outcome: 'commit' });
        return result;
      } catch (err) {
        ended.push({ name: m.name, outcome: 'rollback' });
        throw err;
      }
    },
  };
  return { ds: ds as unknown as DataSource, pool, ended };
}
const nameOf = (m: EntityManager) => (m as unknown as { name: string }).name;

describe('TransactionHost (ambient transaction)', () => {
  it('is the pool outside a transaction and the transaction inside, also in the services called from it', async () => {
    const { ds, ended } = fakeDataSource();
    const host = new TransactionHost(ds);
    expect(nameOf(host.tx)).toBe('pool');
    expect(host.isTransactionActive()).toBe(false);
    const deepRead = async () => {
      await tick();
      return nameOf(host.tx);
    };
    const seen = await host.withTransaction(async () => [nameOf(host.tx), await deepRead()]);
    expect(seen).toEqual(['tx1', 'tx1']);
    expect(nameOf(host.tx)).toBe('pool');
    expect(ended).toEqual([{ name: 'tx1', outcome: 'commit' }]);
  });

  it('joins the open transaction instead of opening a second one (so a rollback takes everything with it)', async () => {
    const { ds, ended } = fakeDataSource();
    const host = new TransactionHost(ds);
    await expect(
      host.withTransaction(async () => {
        const inner = await host.withTransaction(async () => nameOf(host.tx));
        expect(inner).toBe('tx1');
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    expect(ended).toEqual([{ name: 'tx1', outcome: 'rollback' }]);
  });

  it('keeps concurrent use cases apart', async () => {
    const { ds } = fakeDataSource();
    const host = new TransactionHost(ds);
    const useCase = () =>
      host.withTransaction(async () => {
        const first = nameOf(host.tx);
        await tick();
        await tick();
        return [first, nameOf(host.tx)];
      });
    const results = await Promise.all(Array.from({ length: 5 }, useCase));
    for (const [first, later] of results) expect(later).toBe(first);
    expect(new Set(results.map(([first]) => first)).size).toBe(5);
  });

  it('sends work that outlives its transaction, and withoutTransaction, to the pool', async () => {
    const { ds } = fakeDataSource();
    const host = new TransactionHost(ds);
    let late: Promise<string> | undefined;
    await host.withTransaction(async () => {
      late = (async () => {
        await tick();
        await tick();
        return nameOf(host.tx);
      })();
      expect(await host.withoutTransaction(async () => nameOf(host.tx))).toBe('pool');
    });
    expect(await late).toBe('pool');
  });
});
