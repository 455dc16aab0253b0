import { describe, it, expect, beforeAll } from '@jest/globals';
import { nextState, OrderAction, type OrderState } from '#lib/orders';
import { Role } from '#lib/kernel';
import {
  areaTypeOfLevel,
  dispatchConfig,
  findCandidates,
  StraightLineTravelTime,
  type ProviderSnapshot,
} from '#lib/dispatch';
import { withinWeeklyHours } from '#lib/providers';
import {
  DEMO_CITY,
  generateCity,
  generateOrders,
  idCheckChar,
  isValidIdNumber,
  type City,
  type EventRow,
  type OrderRow,
  type SeedOptions,
} from './generate.js';

const UNTIL = new Date('2026-11-22T02:00:00Z');
const options = (over: Partial<SeedOptions> = {}): SeedOptions => ({ ...DEMO_CITY, until: UNTIL, ...over });

function allOrders(city: City): { orders: OrderRow[]; events: EventRow[] } {
  const orders: OrderRow[] = [];
  const events: EventRow[] = [];
  for (const b of generateOrders(city, 1_000)) {
    orders.push(...b.orders);
    events.push(...b.events);
  }
  return { orders, events };
}

describe('seed generator', () => {
  let city: City;
  let history: { orders: OrderRow[]; events: EventRow[] };
  beforeAll(() => {
    city = generateCity(options({ elders: 10_000, providers: 16, workers: 400 }));
    history = allOrders(city);
  });

  it('gives the same data, ids included, for the same seed and a different city for another seed', () => {
    const a = generateCity(options());
    const b = generateCity(options());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(allOrders(b))).toBe(JSON.stringify(allOrders(a)));
    const c = generateCity(options({ seed: 7 }));
    expect(c.elders[0].id).not.toBe(a.elders[0].id);
    expect(c.elders.map((e) => e.idNumber)).not.toEqual(a.elders.map((e) => e.idNumber));
  });

  it('has the shape of Wuhai: 1 city, 3 districts, 20 streets/towns, 70 communities, 13 villages, a facility per level', () => {
    const count = (level: string) => city.regions.filter((r) => r.level === level).length;
    expect([count('CITY'), count('DISTRICT'), count('STREET'), count('COMMUNITY'), count('VILLAGE')]).toEqual([
      1, 3, 20, 70, 13,
    ]);
    expect(city.regions.filter((r) => r.level === 'DISTRICT').map((r) => `${r.code} ${r.name}`)).toEqual([
      '150302 海勃湾区',
      '150303 海南区',
      '150304 乌达区',
    ]);
    for (const r of city.regions) {
      const parent = city.regions.find((p) => p.code === r.parentCode);
      expect(r.code).toHaveLength({ CITY: 6, DISTRICT: 6, STREET: 9, COMMUNITY: 12, VILLAGE: 12 }[r.level]);
      if (parent) {
        expect(r.code.startsWith(parent.level === 'CITY' ? '1503' : parent.code)).toBe(true);
        expect(r.path).toBe(`${parent.path}${r.code}/`);
      }
      expect(r.lat).toBeGreaterThanOrEqual(39.4);
      expect(r.lat).toBeLessThanOrEqual(39.8);
      expect(r.lng).toBeGreaterThanOrEqual(106.7);
      expect(r.lng).toBeLessThanOrEqual(106.95);
    }
    expect(new Set(city.regions.map((r) => r.name)).size).toBe(city.regions.length);
    expect(city.facilities.map((f) => f.level).sort()).toEqual(
      [
        ...Array(3).fill('DISTRICT_CENTRE'),
        ...Array(20).fill('STREET_HUB'),
        ...Array(83).fill('COMMUNITY_STATION'),
      ].sort(),
    );
  });

  it('writes resident ID numbers that pass the checksum, carry the district, birth date and gender, and are unique', () => {
    expect(idCheckChar('11010519491231002')).toBe('X'); // the GB 11643 example
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('11010519490231002X')).toBe(false); // 31 February
    // ISO 7064 MOD 11-2 written out independently of the generator: check = (12 - Σ(aᵢ·2^(17-i) mod 11)) mod 11
    const iso7064 = (id: string) => {
      let sum = 0;
      for (let i = 0; i < 17; i++) sum += Number(id[i]) * (2 ** (17 - i) % 11);
      const v = (12 - (sum % 11)) % 11;
      return v === 10 ? 'X' : String(v);
    };
    expect(['110105194912310021', '440524188001010014', '11010519491231002X'].map(iso7064)).toEqual(['X', '4', 'X']);
    const wrong = city.elders.filter(
      (e) =>
        !isValidIdNumber(e.idNumber) ||
        iso7064(e.idNumber) !== e.idNumber[17] ||
        e.idNumber.slice(0, 6) !== e.communityCode.slice(0, 6) ||
        e.idNumber.slice(6, 14) !== e.birthDate.replace(/-/g, '') ||
        Number(e.idNumber[16]) % 2 !== (e.gender === 'M' ? 1 : 0),
    );
    expect(wrong.map((e) => e.idNumber)).toEqual([]);
    expect(new Set(city.elders.map((e) => e.idNumber)).size).toBe(city.elders.length);
  });

  it('mixes living situations, categories, ages and ability levels like the city (within tolerance)', () => {
    const n = city.elders.length;
    const share = (f: (e: City['elders'][number]) => boolean) => city.elders.filter(f).length / n;
    expect(n).toBe(10_000);
    expect(share((e) => e.livingSituation === 'ALONE')).toBeCloseTo(0.15, 1);
    expect(Math.abs(share((e) => e.livingSituation === 'EMPTY_NEST') - 0.4)).toBeLessThan(0.05);
    expect(Math.abs(share((e) => e.livingSituation === 'LEFT_BEHIND') - 0.05)).toBeLessThan(0.02);
    const village = city.elders.filter((e) => e.communityCode.slice(9) >= '200');
    expect(village.filter((e) => e.livingSituation === 'LEFT_BEHIND').length / village.length).toBeGreaterThan(0.2); // rural-heavy
    expect(Math.abs(share((e) => e.categories.includes('MINIMUM_LIVING')) - 0.05)).toBeLessThan(0.015);
    expect(Math.abs(share((e) => e.categories.includes('EXTREME_POVERTY')) - 0.01)).toBeLessThan(0.005);
    expect(share((e) => e.categories.includes('MINIMUM_LIVING') && e.categories.includes('EXTREME_POVERTY'))).toBe(0);
    const inconsistent = city.elders.filter(
      (e) =>
        e.age < 60 ||
        e.age > 105 ||
        e.categories.includes('ADVANCED_AGE') !== e.age >= 80 ||
        e.categories.includes('DISABLED_CARE') !== e.abilityLevel >= 3,
    );
    expect(inconsistent).toEqual([]);
    const levels = [0, 1, 2, 3, 4].map((l) => share((e) => e.abilityLevel === l));
    expect(levels[0]).toBeGreaterThan(0.6);
    expect(levels).toEqual([...levels].sort((a, b) => b - a)); // skewed to 0
    expect(Math.abs(share((e) => e.age >= 80) - 0.15)).toBeLessThan(0.04);
    const noPhone = share((e) => e.phone === null);
    expect(noPhone).toBeGreaterThan(0.15);
    expect(noPhone).toBeLessThan(0.5);
    const contacts = new Map<string, number>();
    for (const c of city.contacts) contacts.set(c.elderId, (contacts.get(c.elderId) ?? 0) + 1);
    expect(city.elders.every((e) => [1, 2].includes(contacts.get(e.id) ?? 0))).toBe(true);
  });

  it('contracts a provider for every help in every community and village, with qualified active workers', () => {
    const current = city.contracts.filter((c) => c.validTo >= '2026-11-22');
    for (const st of city.regions.filter((r) => r.level === 'COMMUNITY' || r.level === 'VILLAGE'))
      for (const t of city.serviceTypes) {
        const providers = current
          .filter((c) => c.serviceTypes.includes(t.code) && c.communityCodes.includes(st.code))
          .map((c) => c.providerId);
        expect(providers.length).toBeGreaterThan(0);
        for (const item of city.items.filter((i) => i.serviceType === t.code && i.requiredQualification)) {
          const qualified = city.workers.filter(
            (w) =>
              providers.includes(w.providerId) &&
              w.status === 'ACTIVE' &&
              w.qualifications.includes(item.requiredQualification!),
          );
          expect(qualified.length).toBeGreaterThan(0);
        }
      }
    for (const p of city.providers) {
      const district = city.regions.find((r) => r.code === p.districtCode)!;
      for (const c of city.contracts.filter((k) => k.providerId === p.id))
        expect(c.communityCodes.every((code) => code.startsWith(district.code))).toBe(true);
    }
  });

  it('lists a demo account for every role, with unique phones, and an SOS device key the API accepts', () => {
    const roles = city.demo.accounts.map((a) => a.role);
    for (const role of Object.values(Role).filter((r) => r !== Role.SOS_DEVICE)) expect(roles).toContain(role);
    expect(city.demo.accounts.map((a) => a.phone)).toEqual(
      Array.from({ length: 14 }, (_, i) => `138000000${String(i + 1).padStart(2, '0')}`),
    );
    expect(new Set(city.users.map((u) => u.phone)).size).toBe(city.users.length);
    const byId = new Map(city.users.map((u) => [u.id, u]));
    for (const a of city.demo.accounts)
      expect(byId.get(a.userId)).toMatchObject({ role: a.role, phone: a.phone, password: true });
    const admins = city.demo.accounts.filter((a) => a.role === Role.PROVIDER_ADMIN).map((a) => byId.get(a.userId)!);
    expect(admins.map((u) => u.providerId)).toEqual([city.demo.providerId, city.demo.secondProviderId]);
    const workers = city.demo.accounts.filter((a) => a.role === Role.WORKER).map((a) => byId.get(a.userId)!);
    expect(workers).toHaveLength(2);
    for (const w of workers) {
      expect(w.providerId).toBe(city.demo.providerId);
      expect(city.workers.find((x) => x.id === w.workerId)).toMatchObject({
        providerId: city.demo.providerId,
        status: 'ACTIVE',
        phone: w.phone,
      });
    }
    const elderUser = byId.get(city.demo.accounts.find((a) => a.role === Role.ELDER)!.userId)!;
    expect(elderUser.elderId).toBe(city.demo.elderId);
    expect(city.elders.find((e) => e.id === city.demo.elderId)!.phone).toBe(elderUser.phone);
    const family = city.demo.accounts.find((a) => a.role === Role.FAMILY)!;
    expect(city.links).toContainEqual(expect.objectContaining({ userId: family.userId, elderId: city.demo.elderId }));
    expect(city.demo.deviceKey).toMatch(/^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,200})$/);
    expect(city.devices.find((d) => city.demo.deviceKey.startsWith(d.id))!.elderId).toBe(city.demo.elderId);
  });

  it('writes order histories whose events replay the state machine to the order state', () => {
    const { orders, events } = history;
    expect(orders.length).toBeGreaterThan(10_000 * 0.5 * 3 * 0.85);
    const byOrder = new Map<string, EventRow[]>();
    for (const e of events) {
      const list = byOrder.get(e.orderId);
      if (list) list.push(e);
      else byOrder.set(e.orderId, [e]);
    }
    const states = new Set<string>();
    const problems: string[] = [];
    for (const o of orders) {
      const evs = byOrder.get(o.id)!.sort((a, b) => a.seq - b.seq);
      const bad = (why: string) => problems.push(`${o.orderNo} ${o.state}: ${why}`);
      if (evs.some((e, i) => e.seq !== i + 1) || evs.length !== o.version) bad('seq is not 1..version');
      if (evs[0].type !== 'CREATED' || evs[0].fromState !== null || evs[0].toState !== 'PENDING_DISPATCH')
        bad('does not start with CREATED');
      for (let i = 1; i < evs.length; i++) {
        if (evs[i].fromState !== evs[i - 1].toState) bad(`event ${i + 1} does not continue from the previous state`);
        if (evs[i].at < evs[i - 1].at) bad(`event ${i + 1} is earlier than the one before`);
        const t = nextState(evs[i].fromState as OrderState, evs[i].type as OrderAction);
        if (!t.ok || t.next !== evs[i].toState)
          bad(`${evs[i].type} from ${evs[i].fromState} is not a legal transition to ${evs[i].toState}`);
      }
      if (evs[evs.length - 1].toState !== o.state) bad('last event does not end in the order state');
      if (evs[evs.length - 1].at.getTime() > UNTIL.getTime()) bad('event after the end of the history');
      if (['ACCEPTED', 'EN_ROUTE', 'IN_SERVICE', 'COMPLETED', 'CONFIRMED'].includes(o.state) && !o.workerId)
        bad('no worker');
      if (['COMPLETED', 'CONFIRMED'].includes(o.state) && !o.checkOutAt) bad('no check-out');
      if (o.state === 'CONFIRMED' && !o.confirmedAt) bad('no confirmation');
      if (o.state === 'CANCELLED' && !o.closeReason) bad('no reason');
      states.add(o.state);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    // history is mostly finished work, with some live orders at the end
    for (const s of [
      'CONFIRMED',
      'COMPLETED',
      'CANCELLED',
      'EXCEPTION',
      'DISPUTED',
      'RESOLVED',
      'ACCEPTED',
      'PENDING_DISPATCH',
    ])
      expect(states).toContain(s);
    expect(orders.filter((o) => o.state === 'CONFIRMED').length / orders.length).toBeGreaterThan(0.7);
    expect(new Set(orders.map((o) => o.orderNo)).size).toBe(orders.length);
  });

  describe('what the dispatch engine needs', () => {
    const config = dispatchConfig({});
    const travel = new StraightLineTravelTime(config.speedModel);
    // Monday 2026-11-23 00:30 in UTC+8, then every hour of the week
    const weekHours = Array.from(
      { length: 168 },
      (_, h) => new Date(Date.parse('2026-11-22T16:30:00Z') + h * 3_600_000),
    );
    const snapshots = (c: City): ProviderSnapshot[] =>
      c.providers.map((p) => ({
        id: p.id,
        status: p.status,
        base: { lat: p.baseLat, lng: p.baseLng },
        openingHours: p.openingHours,
        capacity: p.capacity,
        openOffers: 0,
        activeOrders: 0,
        contracts: c.contracts.filter((k) => k.providerId === p.id),
        workers: c.workers
          .filter((w) => w.providerId === p.id)
          .map((w) => ({
            id: w.id,
            status: w.status,
            qualifications: w.qualifications,
            shifts: w.shifts,
            commitments: [],
          })),
        stats: {
          ordersThisMonth: 0,
          ratingSum: 0,
          ratingCount: 0,
          offersAccepted: 0,
          offersRejected: 0,
          offersExpired: 0,
          priceCents: null,
        },
      }));

    it('finds both demo providers for every item for the demo elder at every hour of the week', () => {
      const demo = generateCity(options());
      const elder = demo.elders.find((e) => e.id === demo.demo.elderId)!;
      const providers = snapshots(demo);
      const problems: string[] = [];
      for (const item of demo.items)
        for (const at of weekHours) {
          const order = {
            orderId: 'demo',
            serviceType: item.serviceType,
            communityCode: elder.communityCode,
            areaType: 'URBAN' as const,
            home: { lat: elder.homeLat, lng: elder.homeLng },
            at,
            durationMinutes: item.minDurationMinutes,
            requiredQualification: item.requiredQualification,
            priceCents: item.priceCents,
            previousProviderId: null,
          };
          const ids = findCandidates({ order, providers, alreadyOffered: [] }, config, travel)
            .candidates.map((x) => x.provider.id)
            .sort();
          if (ids.join() !== [demo.demo.providerId, demo.demo.secondProviderId].sort().join())
            problems.push(`${item.code} at ${at.toISOString()}: ${ids.length} candidates`);
        }
      expect(problems.slice(0, 5)).toEqual([]);
      // the first is next to the demo community, the second inside the circle but farther
      const minutes = [demo.demo.providerId, demo.demo.secondProviderId].map((id) => {
        const p = demo.providers.find((x) => x.id === id)!;
        return travel.minutes({ lat: p.baseLat, lng: p.baseLng }, { lat: elder.homeLat, lng: elder.homeLng }, 'URBAN');
      });
      expect(minutes[0]).toBeLessThan(3);
      expect(minutes[1]).toBeGreaterThan(8);
      expect(minutes[1]).toBeLessThan(14);
    });

    it('has, whenever a provider is open, an active worker on shift holding each qualification its contract needs', () => {
      const gaps: string[] = [];
      for (const p of city.providers) {
        const types = new Set(city.contracts.filter((k) => k.providerId === p.id).flatMap((k) => k.serviceTypes));
        const quals = [
          '',
          ...new Set(
            city.items
              .filter((i) => types.has(i.serviceType) && i.requiredQualification)
              .map((i) => i.requiredQualification!),
          ),
        ];
        const mine = city.workers.filter((w) => w.providerId === p.id && w.status === 'ACTIVE');
        for (const at of weekHours.flatMap((h) => [h, new Date(h.getTime() + 30 * 60_000)])) {
          if (!withinWeeklyHours(p.openingHours, at)) continue;
          for (const q of quals)
            if (!mine.some((w) => withinWeeklyHours(w.shifts, at) && (!q || w.qualifications.includes(q))))
              gaps.push(`${p.name} ${q || 'any'} at ${at.toISOString()}`);
        }
      }
      expect(gaps.slice(0, 5)).toEqual([]);
    });

    it('contracts, for nearly every community, help and elder, a provider whose base is within the service circle', () => {
      // the full city's 40 providers (fewer cannot reach every corner of three districts)
      const city = generateCity(options({ elders: 10_000, providers: 40, workers: 1_000, months: 0 }));
      let cells = 0;
      let reached = 0;
      const eldersOf = new Map<string, City['elders']>();
      for (const e of city.elders.filter((x) => x.status === 'ACTIVE'))
        eldersOf.set(e.communityCode, [...(eldersOf.get(e.communityCode) ?? []), e]);
      const current = city.contracts.filter((k) => k.validTo >= '2026-11-22');
      for (const st of city.regions.filter((r) => r.level === 'COMMUNITY' || r.level === 'VILLAGE')) {
        const area = areaTypeOfLevel(st.level);
        for (const t of city.serviceTypes) {
          const bases = current
            .filter((k) => k.serviceTypes.includes(t.code) && k.communityCodes.includes(st.code))
            .map((k) => city.providers.find((p) => p.id === k.providerId)!);
          for (const e of eldersOf.get(st.code) ?? []) {
            cells += 1;
            if (
              bases.some(
                (p) =>
                  travel.minutes({ lat: p.baseLat, lng: p.baseLng }, { lat: e.homeLat, lng: e.homeLng }, area) <=
                  config.serviceCircleMinutes[area],
              )
            )
              reached += 1;
          }
        }
      }
      expect(reached / cells).toBeGreaterThan(0.9);
    });
  });
});
