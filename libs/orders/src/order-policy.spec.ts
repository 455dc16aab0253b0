import { describe, expect, it } from '@jest/globals';
import { Role, type Actor } from '#lib/kernel';
import { OrderState } from './order.entity.js';
import { OrderAction as A } from './order-state-machine.js';
import { canActOnOrder, canRequestFor, canViewOrder, seesServiceAddress, type OrderScope } from './order-policy.js';

const order: OrderScope = {
  elderId: 'elder-1',
  regionPath: '/150300/150302/150302001/150302001001/',
  providerId: 'prov-1',
  workerId: 'work-1',
  state: OrderState.ACCEPTED,
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
  it('only the offered provider accepts or rejects', () => {
    expect(canActOnOrder(providerAdmin, order, A.ACCEPT)).toBe(true);
    expect(canActOnOrder(otherProvider, order, A.ACCEPT)).toBe(false);
    expect(canActOnOrder(dispatcher, order, A.ACCEPT)).toBe(false);
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
