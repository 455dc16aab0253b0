import { AsyncLocalStorage } from 'node:async_hooks';
import { Global, Injectable, Module } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** What the async context holds: the open transaction's manager, cleared when it ends. */
interface Slot {
  manager?: EntityManager;
}

/**
 * The ambient transaction: one pooled connection per use case.
 *
 * Services read and write through `txHost.tx`. Inside `withTransaction(fn)` that is the manager of
 * the transaction `fn` runs in — also for every service `fn` calls, however deep, because the
 * transaction travels with the async context (Node's AsyncLocalStorage), not as an argument.
 * Outside one, it is the DataSource's manager (each query takes a pooled connection and gives it
 * back). So a use case holding a connection never waits for a second one from the same pool,
 * which is how a burst of transactions used to deadlock the pool.
 *
 * Same shape as `@nestjs-cls/transactional`'s TransactionHost (`tx`, `withTransaction`,
 * `withoutTransaction`, `isTransactionActive`): nestjs-cls 6 (the line for Node 20) is CommonJS
 * and requires the ESM-only `@nestjs/common` 12, which Jest cannot load before Node 24.9, so the
 * suite could not run with it. Switching to nestjs-cls 7 once Node 22 is the floor is a change of
 * imports.
 */
@Injectable()
export class TransactionHost {
  private readonly context = new AsyncLocalStorage<Slot>();

  constructor(private readonly dataSource: DataSource) {}

  /** The current transaction's manager, or the pool's (autocommit) when no transaction is open. */
  get tx(): EntityManager {
    return this.context.getStore()?.manager ?? this.dataSource.manager;
  }

  isTransactionActive(): boolean {
    return this.context.getStore()?.manager !== undefined;
  }

  /**
   * Runs `fn` in a transaction: the current one when there is one (joined: it commits or rolls
   * back with the outer use case), otherwise a new one, committed when `fn` resolves and rolled
   * back when it throws.
   */
  withTransaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.isTransactionActive()) return fn();
    const slot: Slot = {};
    return this.context.run(slot, () =>
      this.dataSource
        .transaction((manager) => {
          slot.manager = manager;
          return fn();
        })
        // work that outlives the transaction (not awaited in it) falls back to the pool
        .finally(() => (slot.manager = undefined)),
    );
  }

  /** Runs `fn` outside any transaction (its queries autocommit on the pool). */
  withoutTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.context.run({}, fn);
  }
}

/** Registered once by the application, next to TypeORM's DataSource; every lib injects TransactionHost. */
@Global()
@Module({ providers: [TransactionHost], exports: [TransactionHost] })
export class TransactionModule {}
