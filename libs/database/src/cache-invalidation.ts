import { Global, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { TransactionHost } from './transaction-host.js';

/** The one PostgreSQL channel every instance LISTENs on; the payload is `topic|key`. */
export const CACHE_INVALIDATION_CHANNEL = 'eldercare_cache_invalidation';

/** `key` is the stale entry's key, or null: everything may be stale (the listener missed notices). */
export type InvalidationHandler = (key: string | null) => void;

/**
 * Drops stale cache entries on every API instance at once, through PostgreSQL LISTEN/NOTIFY.
 *
 * `notify(topic, key)` runs `pg_notify` on the ambient transaction (TransactionHost), so the notice
 * is delivered to the listeners only when the change that made the entry stale commits, and never
 * when it rolls back. Each process holds one dedicated connection (outside the pool) that LISTENs
 * and calls the handlers registered with `on(topic, handler)` — its own notices included. When that
 * connection drops it reconnects (with back-off) and then calls every handler with `null`, since
 * notices sent in between are lost. Closed on module destroy.
 */
@Injectable()
export class CacheInvalidation implements OnApplicationBootstrap, OnModuleDestroy {
  private static readonly RETRY_MS = [100, 500, 1_000, 2_000, 5_000];
  private readonly logger = new Logger(CacheInvalidation.name);
  private readonly handlers = new Map<string, Set<InvalidationHandler>>();
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private closed = false;

  constructor(
    private readonly txHost: TransactionHost,
    private readonly dataSource: DataSource,
  ) {}

  /** Tells every instance (this one included) that `key` of `topic` is stale, on commit of the current transaction. */
  async notify(topic: string, key: string): Promise<void> {
    await this.txHost.tx.query(`SELECT pg_notify($1, $2)`, [CACHE_INVALIDATION_CHANNEL, `${topic}|${key}`]);
  }

  /** Calls `handler` with the key of every stale entry of `topic`; returns a function that unregisters it. */
  on(topic: string, handler: InvalidationHandler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Whether the listening connection is up (false while reconnecting). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const options = this.dataSource.options as { url?: string };
    const client = new pg.Client({ connectionString: options.url, application_name: 'eldercare-listen' });
    client.on('notification', (msg) => this.deliver(msg.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CACHE_INVALIDATION_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      this.lost(client, err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    const reconnected = this.attempts > 0;
    this.client = client;
    this.attempts = 0;
    // notices sent while no connection listened are lost: every entry may be stale
    if (reconnected) for (const set of this.handlers.values()) for (const h of set) this.call(h, null);
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.closed || this.retryTimer) return;
    if (this.client && this.client !== client) return; // an older connection's late event
    this.client = undefined;
    const delay = CacheInvalidation.RETRY_MS[Math.min(this.attempts, CacheInvalidation.RETRY_MS.length - 1)];
    this.attempts += 1;
    this.logger.warn(`cache invalidation listener lost${err ? ` (${err.message})` : ''}: reconnecting in ${delay} ms`);
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private deliver(payload: string | undefined): void {
    if (!payload) return;
    const bar = payload.indexOf('|');
    if (bar < 0) return;
    const set = this.handlers.get(payload.slice(0, bar));
    if (set) for (const h of set) this.call(h, payload.slice(bar + 1));
  }

  private call(handler: InvalidationHandler, key: string | null): void {
    try {
      handler(key);
    } catch (err) {
      this.logger.error(`cache invalidation handler failed: ${(err as Error).message}`);
    }
  }
}

/** Registered once by the application, after TransactionModule; the libs with caches inject CacheInvalidation. */
@Global()
@Module({ providers: [CacheInvalidation], exports: [CacheInvalidation] })
export class CacheInvalidationModule {}
