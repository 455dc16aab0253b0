import { describe, expect, it } from '@jest/globals';
import { Role, type Actor } from '#lib/kernel';
import { AbilityLevel, DifficultyCategory, ElderStatus, LivingSituation } from './elder.entity.js';
import { elderVisibleTo, presentElder, type ElderRecord } from './elder-presenter.js';

const elder: ElderRecord = {
  id: 'e1',
  name: '张秀英',
  gender: 'F',
  birthDate: '1945-03-05',
  idNumber: '150302194503051222',
  phone: '13912345678',
  address: '乌海市海勃湾区新华东街3号楼2单元501',
  communityCode: '150302001001',
  regionPath: '/150300/150302/150302001/150302001001/',
  homeLat: 39.684512,
  homeLng: 106.820534,
  livingSituation: LivingSituation.ALONE,
  categories: [DifficultyCategory.MINIMUM_LIVING],
  abilityLevel: AbilityLevel.MODERATE,
  healthNotes: '高血压',
  status: ElderStatus.ACTIVE,
  deceasedOn: null,
  version: 3,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
  emergencyContacts: [{ id: 'c1', name: '王建国', relation: '子女', phone: '13800001111', priority: 1 }],
};

const actor = (role: Role, extra: Partial<Actor> = {}): Actor => ({ userId: 'u', role, ...extra });
const station = actor(Role.STATION_STAFF, { regionPath: '/150300/150302/150302001/150302001001/' });

describe('presentElder: masking by role', () => {
  it('never shows the ID number in clear, to any role', () => {
    for (const role of [
      Role.ELDER,
      Role.FAMILY,
      Role.STATION_STAFF,
      Role.HUB_STAFF,
      Role.DISTRICT_DISPATCHER,
      Role.AUDITOR,
      Role.PLATFORM_ADMIN,
    ]) {
      const v = presentElder(elder, actor(role));
      expect(v.idNumber).toBe('150302********1222');
      expect(JSON.stringify(v)).not.toContain(elder.idNumber);
    }
  });

  it.each([Role.STATION_STAFF, Role.HUB_STAFF, Role.DISTRICT_DISPATCHER])(
    '%s sees name, phone, address and exact home, not health notes',
    (role) => {
      const v = presentElder(elder, actor(role));
      expect(v.name).toBe('张秀英');
      expect(v.phone).toBe('13912345678');
      expect(v.address).toBe(elder.address);
      expect([v.homeLat, v.homeLng]).toEqual([39.684512, 106.820534]);
      expect(v).not.toHaveProperty('healthNotes');
      expect(v.emergencyContacts?.[0]).toMatchObject({ name: '王建国', phone: '13800001111' });
      expect(v.masked).toEqual(['idNumber', 'healthNotes']);
    },
  );

  it.each([Role.ELDER, Role.FAMILY])(
    '%s (the elder and family) see their own contact data and health notes',
    (role) => {
      const v = presentElder(elder, actor(role, { elderIds: ['e1'] }));
      expect(v.phone).toBe('13912345678');
      expect(v.address).toBe(elder.address);
      expect(v.healthNotes).toBe('高血压');
      expect(v.masked).toEqual(['idNumber']);
    },
  );

  it('masks name, phone, address, contacts and coarsens the home location for an auditor', () => {
    const v = presentElder(elder, actor(Role.AUDITOR, { regionPath: '/150300/' }));
    expect(v.name).toBe('张*英');
    expect(v.phone).toBe('139****5678');
    expect(v.address).not.toBe(elder.address);
    expect(v.address?.startsWith('乌海市海勃湾')).toBe(true);
    expect([v.homeLat, v.homeLng]).toEqual([39.68, 106.82]);
    expect(v.emergencyContacts?.[0]).toMatchObject({ name: '王*国', phone: '138****1111' });
    expect(v).not.toHaveProperty('healthNotes');
    // what the audit needs stays visible
    expect(v.categories).toEqual([DifficultyCategory.MINIMUM_LIVING]);
    expect(v.abilityLevel).toBe(AbilityLevel.MODERATE);
    expect(v.birthDate).toBe('1945-03-05');
  });

  it('shows the name but masks phone and address for a platform admin', () => {
    const v = presentElder(elder, actor(Role.PLATFORM_ADMIN, { regionPath: '/150300/' }));
    expect(v.name).toBe('张秀英');
    expect(v.phone).toBe('139****5678');
    expect(v.address).not.toBe(elder.address);
    expect(v).not.toHaveProperty('healthNotes');
  });

  it('masks everything personal for a role that should never get here (worker)', () => {
    const v = presentElder(elder, actor(Role.WORKER));
    expect(v.name).toBe('张*英');
    expect(v.phone).toBe('139****5678');
    expect(v).not.toHaveProperty('healthNotes');
    const text = JSON.stringify(v);
    for (const secret of [elder.idNumber, elder.phone!, elder.address, '高血压', '13800001111'])
      expect(text).not.toContain(secret);
  });

  it('handles an elder without phone', () => {
    expect(presentElder({ ...elder, phone: null }, station).phone).toBeNull();
  });
});

describe('elderVisibleTo', () => {
  const e = { id: 'e1', regionPath: elder.regionPath };
  it('lets region staff see elders under their region only', () => {
    expect(elderVisibleTo(station, e)).toBe(true);
    expect(elderVisibleTo(actor(Role.HUB_STAFF, { regionPath: '/150300/150302/150302001/' }), e)).toBe(true);
    expect(elderVisibleTo(actor(Role.STATION_STAFF, { regionPath: '/150300/150303/150303001/150303001001/' }), e)).toBe(
      false,
    );
    expect(elderVisibleTo(actor(Role.DISTRICT_DISPATCHER, { regionPath: '/150300/150303/' }), e)).toBe(false);
    expect(elderVisibleTo(actor(Role.STATION_STAFF), e)).toBe(false);
  });
  it('lets the elder and linked family see the elder, nobody else', () => {
    expect(elderVisibleTo(actor(Role.ELDER, { elderIds: ['e1'] }), e)).toBe(true);
    expect(elderVisibleTo(actor(Role.FAMILY, { elderIds: ['x', 'e1'] }), e)).toBe(true);
    expect(elderVisibleTo(actor(Role.FAMILY, { elderIds: ['x'] }), e)).toBe(false);
  });
  it('never lets providers, workers or devices read an elder here', () => {
    for (const role of [Role.PROVIDER_ADMIN, Role.WORKER, Role.SOS_DEVICE])
      expect(elderVisibleTo(actor(role, { regionPath: '/150300/', elderIds: ['e1'] }), e)).toBe(false);
  });
});
