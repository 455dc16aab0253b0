import { describe, expect, it } from '@jest/globals';
import { Role, type Actor } from '#lib/kernel';
import { OrderChannel, OrderPriority, OrderState } from './order.entity.js';
import { OrderAction as A } from './order-state-machine.js';
import {
  allowedOrderActions,
  canActOnOrder,
  canRequestFor,
  canViewOrder,
  confirmCodeState,
  confirmInputProblem,
  decideCreationFields,
  decideOrderAction,
  MAX_CONFIRM_ATTEMPTS,
  seesServiceAddress,
  type OrderFacts,
  type OrderScope,
} from './order-policy.js';

const order: OrderScope = {
  elderId: 'elder-1',
  regionPath: '/150300/150302/150302001/150302001001/',
  providerId: 'prov-1',
  workerId: 'work-1',
  state: OrderState.ACCEPTED,
  offeredTo: [],
};
/** An emergency offered to two providers at once: nobody holds it yet. */
const fannedOut: OrderScope = {
  ...order,
  state: OrderState.OFFERED,
  providerId: null,
  workerId: null,
  offeredTo: ['prov-1', 'prov-3'],
};
const a = (role: Role, extra: Partial<Actor> = {}): Actor => ({ userId: 'u', role, ...extra });

const station = a(Role.STATION_STAFF, { regionPath: '/150300/150302/150302001/150302001001/' });
const otherStation = a(Role.STATION_STAFF, { regionPath: '/150300/150303/150303001/150303001001/' });
const dispatcher = a(Role.DISTRICT_DISPATCHER, { regionPath: '/150300/150302/' });
const otherDispatcher = a(Role.DISTRICT_DISPATCHER, { regionPath: '/150300/150303/' });
const providerAdmin = a(Role.PROVIDER_ADMIN, { providerId: 'prov-1' });
const otherProvider = a(Role.PROVIDER_ADMIN, { providerId: 'prov-2' });
const worker = a(Role.WORKER, { providerId: 'prov-1', workerId: 'work-1' });
const otherWorker = a(Role.WORKER, { providerId: 'prov-1', workerId: 'work-2' });
const family = a(Role.FAMILY, { elderIds: ['elder-1'] });
const strangerFamily = a(Role.FAMILY, { elderIds: ['elder-9'] });
const auditor = a(Role.AUDITOR, { regionPath: '/150300/' });

describe('order visibility', () => {
  it.each([
    ['station of the community', station, true],
    ['station elsewhere', otherStation, false],
    ['dispatcher of the district', dispatcher, true],
    ['dispatcher of another district', otherDispatcher, false],
    ['the provider on it', providerAdmin, true],
    ['another provider', otherProvider, false],
    ['the assigned worker', worker, true],
    ['another worker of the same provider', otherWorker, false],
    ['linked family', family, true],
    ['unlinked family', strangerFamily, false],
    ['city auditor', auditor, true],
  ])('%s → %s', (_name, actor, expected) => {
    expect(canViewOrder(actor, order)).toBe(expected);
  });

  it('refuses an actor with no scope at all', () => {
    expect(canViewOrder(a(Role.STATION_STAFF), order)).toBe(false);
    expect(canViewOrder(a(Role.PROVIDER_ADMIN), { ...order, providerId: null })).toBe(false);
  });
});

describe('order actions by role', () => {
  it('only a provider holding an open offer accepts or rejects', () => {
    for (const act of [A.ACCEPT, A.REJECT]) {
      expect(canActOnOrder(providerAdmin, fannedOut, act)).toBe(true);
      expect(canActOnOrder(a(Role.PROVIDER_ADMIN, { providerId: 'prov-3' }), fannedOut, act)).toBe(true);
      expect(canActOnOrder(otherProvider, fannedOut, act)).toBe(false);
      expect(canActOnOrder(dispatcher, fannedOut, act)).toBe(false);
      // the provider holding an accepted order is answered by the state machine (409), not refused (403)
      expect(
        decideOrderAction(
          providerAdmin,
          {
            ...order,
            offerExpiresAt: null,
            hasConfirmCode: false,
            confirmCodeExpiresAt: null,
            confirmAttempts: 0,
            rated: false,
          },
          act,
          new Date(),
        ),
      ).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    }
  });
  it('every provider offered an emergency sees it, nobody else', () => {
    expect(canViewOrder(providerAdmin, fannedOut)).toBe(true);
    expect(canViewOrder(a(Role.PROVIDER_ADMIN, { providerId: 'prov-3' }), fannedOut)).toBe(true);
    expect(canViewOrder(otherProvider, fannedOut)).toBe(false);
  });
  it('staff in scope reassign an accepted order; the provider and the family do not', () => {
    expect(canActOnOrder(station, order, A.REASSIGN)).toBe(true);
    expect(canActOnOrder(otherStation, order, A.REASSIGN)).toBe(false);
    expect(canActOnOrder(providerAdmin, order, A.REASSIGN)).toBe(false);
    expect(canActOnOrder(family, order, A.REASSIGN)).toBe(false);
  });
  it('nobody does the system-only offer steps by hand', () => {
    for (const act of [A.PARTIAL_REJECT, A.PARTIAL_EXPIRE, A.WITHDRAW_OFFER])
      for (const actor of [station, dispatcher, providerAdmin, worker, family])
        expect(canActOnOrder(actor, fannedOut, act)).toBe(false);
  });
  it('only the assigned worker departs, checks in and out', () => {
    for (const act of [A.DEPART, A.CHECK_IN, A.CHECK_OUT]) {
      expect(canActOnOrder(worker, order, act)).toBe(true);
      expect(canActOnOrder(otherWorker, order, act)).toBe(false);
      expect(canActOnOrder(providerAdmin, order, act)).toBe(false);
    }
  });
  it('staff in scope dispatch; providers and family do not', () => {
    expect(canActOnOrder(station, order, A.OFFER)).toBe(true);
    expect(canActOnOrder(otherDispatcher, order, A.OFFER)).toBe(false);
    expect(canActOnOrder(family, order, A.OFFER)).toBe(false);
  });
  it('nobody triggers expiry by hand', () => {
    for (const actor of [station, dispatcher, providerAdmin, worker, family])
      expect(canActOnOrder(actor, order, A.EXPIRE)).toBe(false);
  });
  it('family confirms and rates; a worker can never confirm on the elder’s behalf', () => {
    expect(canActOnOrder(family, order, A.CONFIRM)).toBe(true);
    expect(canActOnOrder(worker, order, A.CONFIRM)).toBe(false);
    expect(canActOnOrder(providerAdmin, order, A.CONFIRM)).toBe(false);
    expect(canActOnOrder(family, order, A.RATE)).toBe(true);
    expect(canActOnOrder(station, order, A.RATE)).toBe(false);
  });
  it('only district dispatchers and admins resolve complaints', () => {
    expect(canActOnOrder(dispatcher, order, A.RESOLVE)).toBe(true);
    expect(canActOnOrder(station, order, A.RESOLVE)).toBe(false);
  });
});

describe('requesting and addresses', () => {
  it('family may request only for linked elders, staff only in scope', () => {
    const elder = { id: 'elder-1', regionPath: order.regionPath };
    expect(canRequestFor(family, elder)).toBe(true);
    expect(canRequestFor(strangerFamily, elder)).toBe(false);
    expect(canRequestFor(station, elder)).toBe(true);
    expect(canRequestFor(otherStation, elder)).toBe(false);
    expect(canRequestFor(worker, elder)).toBe(false);
    expect(canRequestFor(auditor, elder)).toBe(false);
  });
  it('the worker sees the address only while serving', () => {
    expect(seesServiceAddress(worker, order)).toBe(true);
    expect(seesServiceAddress(worker, { ...order, state: OrderState.CONFIRMED })).toBe(false);
    expect(seesServiceAddress(auditor, order)).toBe(false);
  });
});

describe('decideOrderAction: one decision for allowedActions and the transition', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const later = (ms: number) => new Date(now.getTime() + ms);
  const facts = (over: Partial<OrderFacts> = {}): OrderFacts => ({
    ...order,
    offerExpiresAt: null,
    hasConfirmCode: false,
    confirmCodeExpiresAt: null,
    confirmAttempts: 0,
    rated: false,
    ...over,
  });
  const completed = (over: Partial<OrderFacts> = {}) =>
    facts({ state: OrderState.COMPLETED, hasConfirmCode: true, confirmCodeExpiresAt: later(3_600_000), ...over });
  const elder = a(Role.ELDER, { elderIds: ['elder-1'] });

  it('refuses in the order 404 (invisible), 403 (role), 409 (state), then the facts', () => {
    expect(decideOrderAction(strangerFamily, facts(), A.CANCEL, now)).toMatchObject({
      ok: false,
      code: 'ORDER_NOT_FOUND',
    });
    expect(decideOrderAction(auditor, facts(), A.CANCEL, now)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(decideOrderAction(family, facts(), A.COMPLAIN, now)).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      details: { state: OrderState.ACCEPTED, action: A.COMPLAIN },
    });
    expect(decideOrderAction(worker, facts(), A.DEPART, now)).toEqual({ ok: true, next: OrderState.EN_ROUTE });
  });

  it('an expired offer cannot be accepted (and is not offered), but can still be rejected', () => {
    const expired = facts({
      state: OrderState.OFFERED,
      workerId: null,
      offeredTo: ['prov-1'],
      offerExpiresAt: later(-1),
    });
    expect(decideOrderAction(providerAdmin, expired, A.ACCEPT, now)).toMatchObject({
      ok: false,
      code: 'OFFER_EXPIRED',
    });
    expect(allowedOrderActions(providerAdmin, expired, now)).toEqual([A.REJECT]);
    const open = { ...expired, offerExpiresAt: later(60_000) };
    expect(allowedOrderActions(providerAdmin, open, now)).toEqual([A.ACCEPT, A.REJECT]);
  });

  it('a rated order is not offered RATE again (issue 7, defect 5)', () => {
    const confirmed = facts({ state: OrderState.CONFIRMED });
    expect(allowedOrderActions(family, confirmed, now)).toEqual([A.RATE, A.COMPLAIN]);
    expect(decideOrderAction(family, { ...confirmed, rated: true }, A.RATE, now)).toMatchObject({
      ok: false,
      code: 'ALREADY_RATED',
    });
    expect(allowedOrderActions(family, { ...confirmed, rated: true }, now)).toEqual([A.COMPLAIN]);
  });

  it('knows the state of the confirmation code', () => {
    expect(confirmCodeState(completed(), now)).toBe('USABLE');
    expect(confirmCodeState(completed({ confirmAttempts: MAX_CONFIRM_ATTEMPTS - 1 }), now)).toBe('USABLE');
    expect(confirmCodeState(completed({ confirmAttempts: MAX_CONFIRM_ATTEMPTS }), now)).toBe('LOCKED');
    expect(confirmCodeState(completed({ confirmCodeExpiresAt: now }), now)).toBe('EXPIRED');
    expect(confirmCodeState(completed({ hasConfirmCode: false }), now)).toBe('NONE');
  });

  it('with a usable code, the elder, the family and the station confirm with it', () => {
    for (const actor of [elder, family, station])
      expect(decideOrderAction(actor, completed(), A.CONFIRM, now)).toEqual({
        ok: true,
        next: OrderState.CONFIRMED,
        confirm: { method: 'CODE', codeState: 'USABLE' },
      });
    expect(decideOrderAction(worker, completed(), A.CONFIRM, now)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(decideOrderAction(otherStation, completed(), A.CONFIRM, now)).toMatchObject({
      ok: false,
      code: 'ORDER_NOT_FOUND',
    });
  });

  it('once the code is locked or expired, only the station confirms (without a code): the way out the error names', () => {
    for (const [f, code] of [
      [completed({ confirmAttempts: MAX_CONFIRM_ATTEMPTS }), 'CODE_ATTEMPTS_EXCEEDED'],
      [completed({ confirmCodeExpiresAt: later(-1) }), 'CODE_EXPIRED'],
      [completed({ hasConfirmCode: false }), 'CODE_EXPIRED'],
    ] as const) {
      const refusal = decideOrderAction(family, f, A.CONFIRM, now);
      expect(refusal).toMatchObject({ ok: false, code });
      expect(!refusal.ok && refusal.message).toContain('ask the station to confirm');
      expect(allowedOrderActions(family, f, now)).toEqual([A.COMPLAIN]);
      expect(allowedOrderActions(elder, f, now)).toEqual([A.COMPLAIN]);
      expect(decideOrderAction(station, f, A.CONFIRM, now)).toMatchObject({
        ok: true,
        confirm: { method: 'ON_BEHALF_WITHOUT_CODE' },
      });
      expect(allowedOrderActions(station, f, now)).toEqual([A.CONFIRM, A.COMPLAIN]);
      // hub and district staff complain, but confirming on behalf is the community station's job
      expect(allowedOrderActions(dispatcher, f, now)).toEqual([A.COMPLAIN]);
    }
  });

  it('allowedOrderActions is exactly the set decideOrderAction allows, over every state and role', () => {
    for (const state of Object.values(OrderState))
      for (const actor of [station, otherStation, dispatcher, providerAdmin, worker, otherWorker, family, auditor]) {
        const f = facts({ state });
        const allowed = allowedOrderActions(actor, f, now);
        for (const action of Object.values(A))
          expect([state, actor.role, action, allowed.includes(action)]).toEqual([
            state,
            actor.role,
            action,
            decideOrderAction(actor, f, action, now).ok,
          ]);
        expect(allowed).not.toContain(A.EXPIRE);
      }
  });
});

describe('confirmInputProblem: what a CONFIRM body needs', () => {
  it('a usable code is required, whoever confirms', () => {
    expect(confirmInputProblem({ method: 'CODE', codeState: 'USABLE' }, undefined)).toMatchObject({ field: 'code' });
    expect(confirmInputProblem({ method: 'CODE', codeState: 'USABLE' }, '123456')).toBeNull();
  });
  it('on behalf without a code, a code is refused by name rather than ignored', () => {
    expect(confirmInputProblem({ method: 'ON_BEHALF_WITHOUT_CODE', codeState: 'LOCKED' }, undefined)).toBeNull();
    const problem = confirmInputProblem({ method: 'ON_BEHALF_WITHOUT_CODE', codeState: 'LOCKED' }, '123456');
    expect(problem?.field).toBe('code');
    expect(problem?.problems[0]).toContain('locked');
  });
});

describe('decideCreationFields: channels and priority by role', () => {
  const elder = a(Role.ELDER, { elderIds: ['elder-1'] });
  const hub = a(Role.HUB_STAFF, { regionPath: '/150300/150302/150302001/' });
  const admin = a(Role.PLATFORM_ADMIN, { regionPath: '/150300/' });
  const fieldsOf = (d: ReturnType<typeof decideCreationFields>) => (d.ok ? [] : d.fields.map((f) => f.field));

  it('elders and family create APP orders (the default)', () => {
    for (const actor of [elder, family]) {
      expect(decideCreationFields(actor, {})).toEqual({ ok: true, channel: OrderChannel.APP, priority: undefined });
      expect(decideCreationFields(actor, { channel: OrderChannel.APP })).toMatchObject({ ok: true });
      for (const channel of [OrderChannel.WALK_IN, OrderChannel.HOTLINE, OrderChannel.SOS])
        expect(fieldsOf(decideCreationFields(actor, { channel }))).toEqual(['channel']);
    }
  });

  it('staff must say WALK_IN or HOTLINE', () => {
    for (const actor of [station, hub, dispatcher, admin]) {
      expect(decideCreationFields(actor, { channel: OrderChannel.HOTLINE })).toMatchObject({
        ok: true,
        channel: OrderChannel.HOTLINE,
      });
      expect(decideCreationFields(actor, { channel: OrderChannel.WALK_IN })).toMatchObject({ ok: true });
      for (const channel of [undefined, null, OrderChannel.APP, OrderChannel.SOS])
        expect(fieldsOf(decideCreationFields(actor, { channel }))).toEqual(['channel']);
    }
    const missing = decideCreationFields(station, {});
    expect(!missing.ok && missing.fields[0].problems[0]).toContain('required');
  });

  it('only staff set the priority; app users may leave it out or send NORMAL', () => {
    expect(decideCreationFields(station, { channel: OrderChannel.WALK_IN, priority: OrderPriority.URGENT })).toEqual({
      ok: true,
      channel: OrderChannel.WALK_IN,
      priority: OrderPriority.URGENT,
    });
    expect(decideCreationFields(family, { priority: OrderPriority.NORMAL })).toMatchObject({ ok: true });
    expect(fieldsOf(decideCreationFields(family, { priority: OrderPriority.URGENT }))).toEqual(['priority']);
    expect(
      fieldsOf(decideCreationFields(family, { channel: OrderChannel.HOTLINE, priority: OrderPriority.URGENT })),
    ).toEqual(['channel', 'priority']);
  });

  it('roles that do not request orders are refused', () => {
    for (const actor of [worker, providerAdmin, auditor, a(Role.SOS_DEVICE, { elderIds: ['elder-1'] })])
      expect(decideCreationFields(actor, { channel: OrderChannel.APP }).ok).toBe(false);
  });
});
