import { describe, expect, it } from '@jest/globals';
import { OrderState as S } from './order.entity.js';
import { actionsFrom, isTerminal, nextState, OrderAction as A } from './order-state-machine.js';

/** The lifecycle written out independently of the table, pair by pair. */
const LEGAL: [S, A, S][] = [
  [S.PENDING_DISPATCH, A.OFFER, S.OFFERED],
  [S.PENDING_DISPATCH, A.CANCEL, S.CANCELLED],
  [S.OFFERED, A.ACCEPT, S.ACCEPTED],
  [S.OFFERED, A.REJECT, S.PENDING_DISPATCH],
  [S.OFFERED, A.EXPIRE, S.PENDING_DISPATCH],
  [S.OFFERED, A.PARTIAL_REJECT, S.OFFERED],
  [S.OFFERED, A.PARTIAL_EXPIRE, S.OFFERED],
  [S.OFFERED, A.CANCEL, S.CANCELLED],
  [S.ACCEPTED, A.DEPART, S.EN_ROUTE],
  [S.ACCEPTED, A.CANCEL, S.CANCELLED],
  [S.ACCEPTED, A.REPORT_EXCEPTION, S.EXCEPTION],
  [S.ACCEPTED, A.WITHDRAW_OFFER, S.ACCEPTED],
  [S.ACCEPTED, A.REASSIGN, S.OFFERED],
  [S.EN_ROUTE, A.CHECK_IN, S.IN_SERVICE],
  [S.EN_ROUTE, A.CANCEL, S.CANCELLED],
  [S.EN_ROUTE, A.REPORT_EXCEPTION, S.EXCEPTION],
  [S.IN_SERVICE, A.CHECK_OUT, S.COMPLETED],
  [S.IN_SERVICE, A.REPORT_EXCEPTION, S.EXCEPTION],
  [S.COMPLETED, A.CONFIRM, S.CONFIRMED],
  [S.COMPLETED, A.COMPLAIN, S.DISPUTED],
  [S.CONFIRMED, A.RATE, S.CONFIRMED],
  [S.CONFIRMED, A.COMPLAIN, S.DISPUTED],
  [S.DISPUTED, A.RESOLVE, S.RESOLVED],
];

const ALL_PAIRS = Object.values(S).flatMap((s) => Object.values(A).map((a) => [s, a] as const));

describe('order state machine', () => {
  it.each(LEGAL)('%s --%s--> %s is legal', (from, action, to) => {
    expect(nextState(from, action)).toEqual({ ok: true, next: to });
  });

  const illegal = ALL_PAIRS.filter(([s, a]) => !LEGAL.some(([ls, la]) => ls === s && la === a));
  it.each(illegal)('%s --%s--> is refused with a reason', (from, action) => {
    const result = nextState(from, action);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(from);
  });

  it('covers every state × action pair exactly once between the two lists', () => {
    expect(LEGAL.length + illegal.length).toBe(Object.values(S).length * Object.values(A).length);
  });

  it('cannot cancel once the worker is on site, nor after completion', () => {
    for (const s of [S.IN_SERVICE, S.COMPLETED, S.CONFIRMED, S.DISPUTED]) expect(nextState(s, A.CANCEL).ok).toBe(false);
  });

  it('has cancelled, exception and resolved as the only terminal states', () => {
    const terminal = Object.values(S).filter(isTerminal);
    expect(terminal.sort()).toEqual([S.CANCELLED, S.EXCEPTION, S.RESOLVED].sort());
  });

  it('lists the actions available from a state', () => {
    expect(actionsFrom(S.OFFERED).sort()).toEqual(
      [A.ACCEPT, A.CANCEL, A.EXPIRE, A.REJECT, A.PARTIAL_REJECT, A.PARTIAL_EXPIRE].sort(),
    );
  });
});
