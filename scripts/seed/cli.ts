/**
 * Seeds a city shaped like Wuhai, deterministically from a seed value.
 *
 *   npm run seed -- [--seed 42] [--elders 100000] [--providers 40] [--workers 1000] [--months 3]
 *                   [--rate 0.5] [--until 2026-11-22T00:00:00Z] [--reset]
 *
 * Uses DATABASE_URL, or the embedded cluster of the API (same data directory and keys). Runs the
 * migrations first, refuses a database that already has data unless --reset (which drops the schema
 * and migrates again: the event and audit logs are append-only and cannot be truncated).
 * The same options give the same data; `--until` pins the end of the order history (default: now).
 */
import 'reflect-metadata';
import cliProgress from 'cli-progress';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, runMigrationsLocked } from '#lib/database';
import { dispatchConfig } from '#lib/dispatch';
import { PiiCipher } from '#lib/kernel';
import { ENTITIES } from '../../apps/api/src/entities.js';
import { loadConfig } from '../../apps/api/src/config/config.js';
import { connectDatabase } from '../../apps/api/src/database.js';
import { FULL_CITY, generateCity, type SeedOptions } from './generate.js';
import { writeCity, type SeedProgress } from './write.js';
import { demoOrders, demoText, demoWalkthrough } from './demo.js';

function parseArgs(argv: string[]): { options: SeedOptions; reset: boolean } {
  const options: SeedOptions = { ...FULL_CITY, until: new Date() };
  let reset = false;
  const num = (flag: string, raw: string | undefined, min: number, max: number, integer = true): number => {
    const v = Number(raw);
    if (raw === undefined || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
      throw new Error(
        `${flag} must be ${integer ? 'a whole number' : 'a number'} between ${min} and ${max}, got "${raw ?? ''}"`,
      );
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--seed':
        options.seed = num(flag, value, 0, 2 ** 32 - 1);
        i++;
        break;
      case '--elders':
        options.elders = num(flag, value, 100, 5_000_000);
        i++;
        break;
      case '--providers':
        options.providers = num(flag, value, 6, 10_000);
        i++;
        break;
      case '--workers':
        options.workers = num(flag, value, 20, 1_000_000);
        i++;
        break;
      case '--months':
        options.months = num(flag, value, 0, 36);
        i++;
        break;
      case '--rate':
        options.orderRate = num(flag, value, 0, 50, false);
        i++;
        break;
      case '--until': {
        const d = new Date(value ?? '');
        if (Number.isNaN(d.getTime()))
          throw new Error(`--until must be an ISO date or timestamp, got "${value ?? ''}"`);
        options.until = d;
        i++;
        break;
      }
      case '--reset':
        reset = true;
        break;
      default:
        throw new Error(`unknown option ${flag} (see scripts/seed/cli.ts)`);
    }
  }
  if (options.workers < options.providers * 3) throw new Error('--workers must be at least 3 per provider');
  return { options, reset };
}

/** Progress bars on a terminal; one line per phase otherwise (CI logs). Both keep each phase's time. */
function progressBars(): SeedProgress & { stop(): void; timings: Map<string, number> } {
  const timings = new Map<string, number>();
  const began = new Map<string, number>();
  if (!process.stderr.isTTY) {
    const totals = new Map<string, number>();
    return {
      timings,
      start: (phase, total) => {
        began.set(phase, Date.now());
        totals.set(phase, total);
        console.log(`  ${phase}…`);
      },
      advance: () => undefined,
      done: (phase) => {
        timings.set(phase, Date.now() - began.get(phase)!);
        console.log(`  ${phase}: done in ${(timings.get(phase)! / 1000).toFixed(1)} s`);
      },
      stop: () => undefined,
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: ' {phase} |{bar}| {percentage}% {value}/{total} rows {duration}s',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    timings,
    start: (phase, total) => {
      began.set(phase, Date.now());
      bars.set(phase, multi.create(total, 0, { phase: phase.padEnd(32) }));
    },
    advance: (phase, rows) => bars.get(phase)?.increment(rows),
    done: (phase) => {
      timings.set(phase, Date.now() - began.get(phase)!);
      const bar = bars.get(phase);
      if (bar) {
        bar.update(bar.getTotal());
        bar.stop();
      }
    },
    stop: () => multi.stop(),
  };
}

async function main(): Promise<void> {
  const { options, reset } = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  if (config.env === 'production')
    throw new Error('refusing to load generated people with a known demo password into a production database');
  const db = await connectDatabase(config);
  const ds = new DataSource(buildDataSourceOptions({ url: db.url, entities: ENTITIES, poolSize: 4 }));
  await ds.initialize();
  const started = Date.now();
  try {
    if (reset) {
      console.log('--reset: dropping the schema and migrating again');
      await ds.query(`DROP SCHEMA public CASCADE`);
      await ds.query(`CREATE SCHEMA public`);
    }
    const applied = await runMigrationsLocked(ds);
    if (applied.length) console.log(`applied ${applied.length} migration(s)`);
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM region`)) as { n: number }[];
    if (n > 0) throw new Error('the database already has data; run again with --reset to replace it');

    console.log(
      `seed ${options.seed}: ${options.elders} elders, ${options.providers} providers, ${options.workers} workers, ` +
        `${options.months} months of orders until ${options.until.toISOString()}`,
    );
    const t0 = Date.now();
    const city = generateCity(options);
    console.log(`generated the city in ${((Date.now() - t0) / 1000).toFixed(1)} s; writing…`);
    const bars = progressBars();
    const t1 = Date.now();
    const cipher = new PiiCipher(config.piiEncryptionKey, config.piiHashKey);
    let counts;
    try {
      counts = await writeCity(ds, cipher, city, bars);
    } finally {
      bars.stop();
    }
    const width = Math.max(...Object.keys(counts).map((k) => k.length));
    console.log('\nrows written:');
    for (const [table, count] of Object.entries(counts))
      console.log(`  ${table.padEnd(width)}  ${count.toLocaleString('en')}`);
    console.log('\ntime per phase:');
    for (const [phase, ms] of bars.timings) console.log(`  ${phase.padEnd(32)} ${(ms / 1000).toFixed(1)} s`);
    console.log(
      `\nwritten in ${((Date.now() - t1) / 1000).toFixed(1)} s, total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const base = `http://localhost:${config.port}`;
    console.log(demoText(city, counts, base, undefined, await demoOrders(ds, city)));
    const walkthrough = await demoWalkthrough(
      ds,
      cipher,
      base,
      dispatchConfig(config.dispatchConfig).escalation.NORMAL,
    );
    if (walkthrough) console.log(walkthrough);
  } finally {
    await ds.destroy();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`seed failed: ${(err as Error).message}`);
  process.exit(1);
});
