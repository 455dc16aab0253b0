import { describe, expect, it } from '@jest/globals';
import {
  afterFailure,
  describeFailure,
  normaliseBatch,
  parseWakeUp,
  RecentSamples,
  RETRY_DELAYS_MS,
  retryDelayMs,
} from './retry-policy.js';

describe('retrying a failed job', () => {
  it('waits 1 s, 5 s, 30 s, 2 min, then 10 min between attempts', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(retryDelayMs)).toEqual([1_000, 5_000, 30_000, 120_000, 600_000, 600_000, 600_000]);
    expect(RETRY_DELAYS_MS[0]).toBe(1_000);
    expect(() => retryDelayMs(0)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5)).toThrow(RangeError);
  });

  it('runs the handler at most maxAttempts times, then keeps the job as FAILED', () => {
    // attempts = failures before this one
    expect(afterFailure(0, 8)).toEqual({ state: 'PENDING', attempts: 1, retryInMs: 1_000 });
    expect(afterFailure(1, 8)).toEqual({ state: 'PENDING', attempts: 2, retryInMs: 5_000 });
    expect(afterFailure(6, 8)).toEqual({ state: 'PENDING', attempts: 7, retryInMs: 600_000 });
    expect(afterFailure(7, 8)).toEqual({ state: 'FAILED', attempts: 8 });
    // a single attempt: the first failure is final
    expect(afterFailure(0, 1)).toEqual({ state: 'FAILED', attempts: 1 });
  });

  it('stores the message (at most 500 characters) but logs only the error class and code', () => {
    const err = Object.assign(new Error('duplicate key for phone 13800000000'), { code: '23505' });
    err.name = 'QueryFailedError';
    const d = describeFailure(err);
    expect(d.lastError).toBe('QueryFailedError 23505: duplicate key for phone 13800000000');
    expect(d.logLine).toBe('QueryFailedError 23505');
    expect(describeFailure(new Error('x'.repeat(900))).lastError).toHaveLength(500);
    expect(describeFailure('plain string')).toEqual({ lastError: 'string: plain string', logLine: 'string' });
    // a code that is not a short identifier could be data: left out
    expect(describeFailure(Object.assign(new Error('m'), { code: 'elder Wang' })).logLine).toBe('Error');
  });
});

describe('wake-up notices', () => {
  it('carry the due time in epoch milliseconds; anything else is ignored', () => {
    expect(parseWakeUp('1795700000123')).toBe(1_795_700_000_123);
    expect(parseWakeUp(undefined)).toBeNull();
    expect(parseWakeUp('')).toBeNull();
    expect(parseWakeUp('12.5')).toBeNull();
    expect(parseWakeUp('soon')).toBeNull();
    expect(parseWakeUp('1'.repeat(30))).toBeNull();
  });
});

describe('a batch to schedule', () => {
  const at = new Date('2026-12-01T08:00:00Z');

  it('keeps the last job of each (kind, key): one statement cannot upsert a row twice', () => {
    const later = new Date(at.getTime() + 1_000);
    const out = normaliseBatch([
      { kind: 'offer.expire', key: 'a', dueAt: at },
      { kind: 'offer.expire', key: 'b', dueAt: at },
      { kind: 'escalate', key: 'a', dueAt: at },
      { kind: 'offer.expire', key: 'a', dueAt: later, payload: { n: 2 } },
    ]);
    expect(out.map((j) => `${j.kind}/${j.key}`)).toEqual(['offer.expire/b', 'escalate/a', 'offer.expire/a']);
    expect(out[2]).toMatchObject({ dueAt: later, payload: { n: 2 } });
  });

  it.each([
    [{ kind: '', key: 'a', dueAt: at }, 'kind must be 1 to 40'],
    [{ kind: 'k'.repeat(41), key: 'a', dueAt: at }, 'kind must be 1 to 40'],
    [{ kind: 'k', key: '', dueAt: at }, 'key of a "k" job must be 1 to 120'],
    [{ kind: 'k', key: 'x'.repeat(121), dueAt: at }, 'key of a "k" job must be 1 to 120'],
    [{ kind: 'k', key: 'a', dueAt: new Date('nonsense') }, 'dueAt of a "k" job must be a valid Date'],
    [{ kind: 'k', key: 'a', dueAt: '2026-12-01' as unknown as Date }, 'dueAt of a "k" job must be a valid Date'],
  ])('refuses %j, saying what is wrong', (job, message) => {
    expect(() => normaliseBatch([job])).toThrow(message);
  });
});

describe('recent lateness samples', () => {
  it('keep the last N values, oldest first', () => {
    const s = new RecentSamples(3);
    expect(s.snapshot()).toEqual([]);
    s.add(1);
    s.add(2);
    expect(s.snapshot()).toEqual([1, 2]);
    s.add(3);
    s.add(4);
    s.add(5);
    expect(s.snapshot()).toEqual([3, 4, 5]);
  });
});
