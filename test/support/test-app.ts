import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { TokenService } from '#lib/identity';
import { createApp } from '../../apps/api/src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/config.js';
import {
  FIXTURE_ELDER_NAMES,
  FIXTURE_ID_NUMBERS,
  seedMiniCity,
  TEST_KEYS,
  TEST_PASSWORD,
  type MiniCity,
} from './fixtures.js';
import { ContractChecker, formatMismatches, recordExchanges, type RecordedExchange } from './openapi-contract.js';

/** Everything the app logged during this test file (checked for personal data). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    cb();
  }
  text(): string {
    return this.lines.join('');
  }
}

export interface TestApp {
  app: NestExpressApplication;
  ds: DataSource;
  config: AppConfig;
  databaseUrl: string;
  city: MiniCity;
  logs: LogCapture;
  /** Every answer the app sent during this file (checked against the OpenAPI document on close). */
  exchanges: RecordedExchange[];
  http: () => ReturnType<typeof request>;
  /** A valid access token for a fixture user (skips the sign-in flow). */
  tokenFor(user: { id: string; role: string }): Promise<string>;
  /** A token for every fixture user, by the fixture's name (stationA, workerB, …). */
  tokensForAll(): Promise<Record<keyof MiniCity['users'], string>>;
  /** Rows in a table (to prove a refused request changed nothing). */
  count(table: string): Promise<number>;
  /** Closes and starts the API again on the same database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template, the mini city in it, and the API on top. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const adminUrl = process.env.ELDERCARE_TEST_ADMIN_URL;
  const template = process.env.ELDERCARE_TEST_TEMPLATE_DB;
  if (!adminUrl || !template) throw new Error('e2e tests need the global setup (run them with npm test)');
  const name = `eldercare_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, name);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
    DEMO_SEED: 'false',
    ...TEST_KEYS,
    ...env,
  });
  const logs = new LogCapture();
  const exchanges: RecordedExchange[] = [];
  const start = async () => {
    const started = await createApp({ config, databaseUrl, logDestination: logs });
    started.use(recordExchanges(exchanges)); // before the routes, which are registered on listen
    await started.listen(0, '127.0.0.1');
    return started;
  };

  let app = await start();
  let ds = app.get(DataSource);
  const city = await seedMiniCity(ds);

  const t: TestApp = {
    get app() {
      return app;
    },
    get ds() {
      return ds;
    },
    config,
    databaseUrl,
    city,
    logs,
    exchanges,
    http: () => request(app.getHttpServer()),
    async tokenFor(user) {
      const [row] = (await ds.query(`SELECT token_version FROM app_user WHERE id = $1`, [user.id])) as {
        token_version: number;
      }[];
      return app.get(TokenService).issueAccessToken({ sub: user.id, role: user.role as never, tv: row.token_version });
    },
    async tokensForAll() {
      const tokens = {} as Record<keyof MiniCity['users'], string>;
      for (const [name, user] of Object.entries(city.users))
        tokens[name as keyof MiniCity['users']] = await t.tokenFor(user);
      return tokens;
    },
    async count(table: string) {
      const [row] = (await ds.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
      return row.n;
    },
    async restart() {
      await app.close();
      app = await start();
      ds = app.get(DataSource);
    },
    /**
     * Closes the app and fails the file if anything it logged holds personal data, or if any answer
     * it sent disagrees with its own OpenAPI document.
     */
    async close() {
      const document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body as unknown;
      await app.close();
      assertNoPersonalData(logs.text(), city);
      await assertAnswersMatchDocument(document, exchanges);
    },
  };
  return t;
}

/**
 * For a file that builds its own app with createApp (startTestApp does this itself): records every
 * answer of `app` — call it before listen()/init(), which register the routes — and `check()`, before
 * closing the app, fails if any disagrees with the app's document.
 */
export function recordAnswers(app: NestExpressApplication): {
  exchanges: RecordedExchange[];
  check(): Promise<void>;
} {
  const exchanges: RecordedExchange[] = [];
  app.use(recordExchanges(exchanges));
  return {
    exchanges,
    async check() {
      const document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body as unknown;
      await assertAnswersMatchDocument(document, exchanges);
    },
  };
}

/**
 * Every e2e file ends here too: each recorded answer must be one its operation documents (status,
 * body schema). The message lists operation, status and the rule broken, never a body value.
 */
export async function assertAnswersMatchDocument(
  document: unknown,
  exchanges: readonly RecordedExchange[],
): Promise<void> {
  const checker = await ContractChecker.forDocument(document);
  const mismatches = checker.check(exchanges);
  if (mismatches.length)
    throw new Error(
      `${mismatches.length} kind(s) of answer disagree with the OpenAPI document (/api/docs-json):\n${formatMismatches(mismatches)}`,
    );
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Every e2e file ends here: the logs of the whole run must not hold a phone number, an ID number,
 * an elder's name or a password — neither the fixture's own values nor anything shaped like one.
 */
export function assertNoPersonalData(text: string, city: MiniCity): void {
  const phones = [
    ...Object.values(city.users).map((u) => u.phone),
    ...Object.values(city.elderPhone),
    city.familyPhone,
  ];
  const found: string[] = [];
  if (phones.some((p) => text.includes(p))) found.push('a fixture phone number');
  if (FIXTURE_ID_NUMBERS.some((id) => text.includes(id))) found.push('a fixture ID number');
  if (FIXTURE_ELDER_NAMES.some((n) => text.includes(n))) found.push('an elder name');
  if (text.includes(TEST_PASSWORD)) found.push('the password');
  // ids (request ids, order ids) are random hex: their digit runs are not personal data
  const shapes = text.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>');
  if (/(?<![\d.])1[3-9]\d{9}(?!\d)/.test(shapes)) found.push('something shaped like a mobile number');
  if (/(?<![\d.])\d{17}[\dX](?!\d)/.test(shapes)) found.push('something shaped like an ID number');
  // never print the value itself
  if (found.length) throw new Error(`the API logged personal data: ${found.join(', ')}`);
}

/** A second API instance serving on the same database as `t`, as behind a load balancer. */
export interface SecondInstance {
  app: NestExpressApplication;
  http: () => ReturnType<typeof request>;
  /** Checks its answers against its document and its logs for personal data, then closes it. */
  close(): Promise<void>;
}

export async function startSecondInstance(t: TestApp): Promise<SecondInstance> {
  const logs = new LogCapture();
  const app = await createApp({ config: t.config, databaseUrl: t.databaseUrl, logDestination: logs });
  const contract = recordAnswers(app);
  await app.listen(0, '127.0.0.1');
  return {
    app,
    http: () => request(app.getHttpServer()),
    async close() {
      await contract.check();
      await app.close();
      assertNoPersonalData(logs.text(), t.city);
    },
  };
}
