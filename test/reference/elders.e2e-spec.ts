import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EldersService, residentIdCheckChar } from '#lib/elders';
import { testCipher } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const validId = (first17: string) => first17 + residentIdCheckChar(first17);

describe('elders: registration, scope, masking, PII view', () => {
  let t: TestApp;
  let tok: Record<string, string>;
  const auditRows = async (action: string, objectId: string) =>
    (await t.ds.query(`SELECT actor_user_id, actor_role, details FROM audit_log WHERE action = $1 AND object_id = $2`, [
      action,
      objectId,
    ])) as {
      actor_user_id: string;
      actor_role: string;
      details: Record<string, unknown>;
    }[];

  /** Requests as a fixture user (a supertest agent with that user's token). */
  const as = (who: string) => request.agent(t.app.getHttpServer()).set('Authorization', `Bearer ${tok[who]}`);
  /** GET /elders as a fixture user; the list must answer 200. */
  const listAs = (who: string, query: Record<string, unknown>) => as(who).get('/elders').query(query).expect(200);

  beforeAll(async () => {
    t = await startTestApp();
    tok = await t.tokensForAll();
  });
  afterAll(async () => t.close());

  const newElder = (over: Record<string, unknown> = {}) => ({
    name: '王淑芬',
    idNumber: validId('15030219400102004'), // 17th digit 4 → female
    phone: '13700001234',
    address: '乌海市海勃湾区新华东街7号楼1单元302',
    communityCode: t.city.community.a1,
    livingSituation: 'ALONE',
    categories: ['ADVANCED_AGE'],
    abilityLevel: 1,
    healthNotes: '糖尿病',
    emergencyContacts: [{ name: '王强', relation: '子女', phone: '13600005678' }],
    ...over,
  });

  describe('POST /elders', () => {
    let createdId: string;

    it('lets station staff register an elder in their community; birth date and gender come from the ID number, data is encrypted', async () => {
      const res = await as('stationA').post('/elders').send(newElder()).expect(201);
      createdId = res.body.id;
      expect(res.body).toMatchObject({
        name: '王淑芬',
        gender: 'F',
        birthDate: '1940-01-02',
        phone: '13700001234',
        communityCode: t.city.community.a1,
        version: 1,
      });
      expect(res.body.idNumber).toMatch(/^150302\*{8}\d{3}[\dX]$/);
      // home defaults to the community centre
      expect([res.body.homeLat, res.body.homeLng]).toEqual([39.684, 106.82]);
      const [row] = await t.ds.query(
        `SELECT region_path, id_number_enc, phone_enc, address_enc, health_notes_enc FROM elder WHERE id = $1`,
        [createdId],
      );
      expect(row.region_path).toBe(t.city.path.a1);
      for (const col of ['id_number_enc', 'phone_enc', 'address_enc', 'health_notes_enc'])
        expect(Buffer.from(row[col]).toString('utf8')).not.toMatch(/1503021940|13700001234|新华东街|糖尿病/);
      const contacts = await t.ds.query(`SELECT name, relation FROM emergency_contact WHERE elder_id = $1`, [
        createdId,
      ]);
      expect(contacts).toEqual([{ name: '王强', relation: '子女' }]);
    });

    it('answers 409 for a second elder with the same ID number (also when written with spaces), nothing written', async () => {
      const before = await t.count('elder');
      const spaced = newElder().idNumber.replace(/^(\d{6})(\d{8})/, '$1 $2 ');
      const res = await as('dispatcherA')
        .post('/elders')
        .send(newElder({ idNumber: spaced, name: '另一人' }))
        .expect(409);
      expect(res.body.code).toBe('DUPLICATE_ID_NUMBER');
      expect(JSON.stringify(res.body)).not.toContain(createdId);
      expect(await t.count('elder')).toBe(before);
    });

    it('rejects a wrong check digit with 400 naming idNumber, without echoing the number, nothing written', async () => {
      const before = await t.count('elder');
      const good = validId('15030219400102006');
      const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      const res = await as('stationA')
        .post('/elders')
        .send(newElder({ idNumber: bad }))
        .expect(400);
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['idNumber']);
      expect(res.body.message).toContain('check digit');
      expect(JSON.stringify(res.body)).not.toContain(bad);
      expect(await t.count('elder')).toBe(before);
    });

    it('rejects wrong types, missing and extra fields with 400 naming each field, nothing written', async () => {
      const before = [await t.count('elder'), await t.count('emergency_contact')];
      const body = newElder({
        idNumber: validId('15030219400102008'),
        abilityLevel: 'severe',
        livingSituation: 'ON_THE_MOON',
        homeLat: 123,
        isAdmin: true,
        emergencyContacts: [{ name: '', relation: '子女', phone: 'abc' }],
      });
      delete (body as Record<string, unknown>).address;
      const res = await t.http().post('/elders').set('Authorization', `Bearer ${tok.stationA}`).send(body).expect(400);
      const fields = res.body.details.fields.map((f: { field: string }) => f.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'abilityLevel',
          'livingSituation',
          'homeLat',
          'isAdmin',
          'address',
          'emergencyContacts.0.name',
          'emergencyContacts.0.phone',
        ]),
      );
      expect([await t.count('elder'), await t.count('emergency_contact')]).toEqual(before);
    });

    it('rejects a gender that contradicts the ID number (400 gender), nothing written', async () => {
      const before = await t.count('elder');
      const res = await as('stationA')
        .post('/elders')
        .send(newElder({ idNumber: validId('15030219400102010'), gender: 'M' }))
        .expect(400);
      expect(res.body.details.field).toBe('gender');
      expect(await t.count('elder')).toBe(before);
    });

    it('refuses a community outside the actor scope (403) and a street code (400), nothing written', async () => {
      const before = await t.count('elder');
      const out = await as('stationA')
        .post('/elders')
        .send(newElder({ idNumber: validId('15030219400102012'), communityCode: t.city.community.b1 }))
        .expect(403);
      expect(out.body.code).toBe('COMMUNITY_OUT_OF_SCOPE');
      const street = await as('dispatcherA')
        .post('/elders')
        .send(newElder({ idNumber: validId('15030219400102012'), communityCode: '150302001000' }))
        .expect(400);
      expect(street.body.details.field).toBe('communityCode');
      expect(await t.count('elder')).toBe(before);
    });

    it.each(['auditorCity', 'providerAdminA', 'workerA', 'familyA', 'elderA'])(
      'refuses registration by %s (403)',
      async (who) => {
        const before = await t.count('elder');
        await as(who)
          .post('/elders')
          .send(newElder({ idNumber: validId('15030219400102014') }))
          .expect(403);
        expect(await t.count('elder')).toBe(before);
      },
    );

    it('needs a token (401)', async () => {
      await t.http().post('/elders').send(newElder()).expect(401);
    });
  });

  describe('GET /elders/:id — scope and masking', () => {
    it('station staff of the community see phone and address in clear, the ID number masked, no health notes', async () => {
      const res = await as('stationA').get(`/elders/${t.city.elder.a}`).expect(200);
      expect(res.body.name).toBe('张秀英');
      expect(res.body.phone).toBe(t.city.elderPhone.a);
      expect(res.body.address).toContain('3号楼2单元501');
      expect(res.body.idNumber).toBe('150302********1222');
      expect(res.body).not.toHaveProperty('healthNotes');
      expect(JSON.stringify(res.body)).not.toContain('150302194503051222');
    });

    it('hub staff and the district dispatcher of the region see it too', async () => {
      for (const who of ['hubA', 'dispatcherA']) {
        const res = await as(who).get(`/elders/${t.city.elder.a}`).expect(200);
        expect(res.body.phone).toBe(t.city.elderPhone.a);
      }
    });

    it('an auditor sees a masked name, phone and address but the categories and ability level', async () => {
      const res = await as('auditorCity').get(`/elders/${t.city.elder.a}`).expect(200);
      expect(res.body.name).toBe('张*英');
      expect(res.body.phone).toBe(`${t.city.elderPhone.a.slice(0, 3)}****${t.city.elderPhone.a.slice(-4)}`);
      expect(res.body.address).not.toContain('501');
      expect(res.body.categories).toEqual(['MINIMUM_LIVING', 'ADVANCED_AGE']);
      expect(res.body.abilityLevel).toBe(2);
    });

    it('the platform admin sees the name but masked contact data', async () => {
      const res = await as('admin').get(`/elders/${t.city.elder.a}`).expect(200);
      expect(res.body.name).toBe('张秀英');
      expect(res.body.phone).not.toBe(t.city.elderPhone.a);
    });

    it('the elder and the linked family see their own data including health notes', async () => {
      for (const who of ['elderA', 'familyA']) {
        const res = await as(who).get(`/elders/${t.city.elder.a}`).expect(200);
        expect(res.body.phone).toBe(t.city.elderPhone.a);
        expect(res.body.healthNotes).toBe('高血压，服用降压药');
      }
    });

    it.each([
      ['stationB', 'elder.a'],
      ['dispatcherB', 'elder.a'],
      ['auditorA', 'elder.b'],
      ['stationA', 'elder.a2'],
      ['familyA', 'elder.b'],
      ['elderA', 'elder.a2'],
      ['providerAdminA', 'elder.a'],
      ['workerA', 'elder.a'],
    ])('%s gets 404 for %s (out of scope, leaks nothing)', async (who, which) => {
      const id = t.city.elder[which.split('.')[1] as 'a' | 'b' | 'a2'];
      const res = await t.http().get(`/elders/${id}`).set('Authorization', `Bearer ${tok[who]}`).expect(404);
      expect(res.body.code).toBe('ELDER_NOT_FOUND');
      expect(JSON.stringify(res.body)).not.toMatch(/张秀英|刘桂兰|陈玉珍|139\d{8}/);
    });

    it('an unknown or malformed id is the same 404', async () => {
      await as('admin').get(`/elders/00000000-0000-4000-8000-000000000000`).expect(404);
      await t.http().get(`/elders/not-a-uuid`).set('Authorization', `Bearer ${tok.admin}`).expect(404);
    });
  });

  describe('GET /elders — scoped lists and search', () => {
    const ids = (body: { items: { id: string }[] }) => body.items.map((e) => e.id).sort();

    it('lists only the elders of the actor region, with total and paging', async () => {
      const a = await t.http().get('/elders').set('Authorization', `Bearer ${tok.stationA}`).expect(200);
      expect(ids(a.body)).toContain(t.city.elder.a);
      expect(ids(a.body)).not.toContain(t.city.elder.b);
      expect(ids(a.body)).not.toContain(t.city.elder.a2); // village A2 is another station
      const d = await t.http().get('/elders').set('Authorization', `Bearer ${tok.dispatcherA}`).expect(200);
      expect(ids(d.body)).toEqual(expect.arrayContaining([t.city.elder.a, t.city.elder.a2]));
      expect(ids(d.body)).not.toContain(t.city.elder.b);
      const b = await t.http().get('/elders').set('Authorization', `Bearer ${tok.stationB}`).expect(200);
      expect(ids(b.body)).toEqual([t.city.elder.b]);
      const page = await as('dispatcherA').get('/elders?limit=1&offset=1').expect(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.total).toBe(d.body.total);
      expect(page.body).toMatchObject({ limit: 1, offset: 1 });
    });

    it('an auditor gets masked names in the list', async () => {
      const res = await t.http().get('/elders').set('Authorization', `Bearer ${tok.auditorCity}`).expect(200);
      expect(res.body.total).toBeGreaterThanOrEqual(3);
      for (const e of res.body.items) expect(e.name).toContain('*');
    });

    it('family lists only their linked elders', async () => {
      const res = await t.http().get('/elders').set('Authorization', `Bearer ${tok.familyA}`).expect(200);
      expect(ids(res.body)).toEqual([t.city.elder.a]);
    });

    it('finds an elder by exact ID number and by phone (keyed hash), and by name prefix, within scope only', async () => {
      const byId = await listAs('dispatcherA', { q: '150302194503051222' });
      expect(ids(byId.body)).toEqual([t.city.elder.a]);
      const byPhone = await listAs('stationA', { q: t.city.elderPhone.a });
      expect(ids(byPhone.body)).toEqual([t.city.elder.a]);
      const byName = await listAs('stationA', { q: '张' });
      expect(ids(byName.body)).toContain(t.city.elder.a);
      const outOfScope = await listAs('dispatcherB', { q: '150302194503051222' });
      expect(outOfScope.body).toMatchObject({ items: [], total: 0 });
      const wildcard = await listAs('dispatcherA', { q: '%' });
      expect(wildcard.body.total).toBe(0);
    });

    it('filters by community, living situation and category', async () => {
      const res = await listAs('dispatcherA', { communityCode: t.city.community.a2 });
      expect(ids(res.body)).toEqual([t.city.elder.a2]);
      const cat = await listAs('dispatcherA', { category: 'MINIMUM_LIVING' });
      expect(ids(cat.body)).toEqual([t.city.elder.a]);
      const none = await listAs('dispatcherA', { livingSituation: 'WITH_FAMILY' });
      expect(none.body.total).toBe(0);
    });

    it('rejects bad filters with 400 naming them', async () => {
      const res = await t
        .http()
        .get('/elders')
        .query({ limit: 'lots', category: 'RICH' })
        .set('Authorization', `Bearer ${tok.stationA}`)
        .expect(400);
      expect(res.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['category', 'limit']);
    });

    it.each(['providerAdminA', 'workerA'])('%s may not list elders (403)', async (who) => {
      await t.http().get('/elders').set('Authorization', `Bearer ${tok[who]}`).expect(403);
    });
  });

  describe('PATCH /elders/:id', () => {
    it('edits with the current version, bumps it, and records eligibility/assessment changes in the audit trail', async () => {
      const cur = await as('hubA').get(`/elders/${t.city.elder.a2}`).expect(200);
      const res = await as('hubA')
        .patch(`/elders/${t.city.elder.a2}`)
        .send({ version: cur.body.version, categories: ['ADVANCED_AGE'], abilityLevel: 3, phone: '13511112222' })
        .expect(200);
      expect(res.body).toMatchObject({
        version: cur.body.version + 1,
        categories: ['ADVANCED_AGE'],
        abilityLevel: 3,
        phone: '13511112222',
      });
      expect(await auditRows('ELIGIBILITY_CHANGED', t.city.elder.a2)).toHaveLength(1);
      expect(await auditRows('ASSESSMENT_CHANGED', t.city.elder.a2)).toHaveLength(1);
      // the new phone is searchable through its keyed hash
      const found = await listAs('hubA', { q: '13511112222' });
      expect(found.body.items.map((e: { id: string }) => e.id)).toEqual([t.city.elder.a2]);
    });

    it('answers 409 with a stale version and changes nothing', async () => {
      const [before] = await t.ds.query(`SELECT version, living_situation FROM elder WHERE id = $1`, [t.city.elder.a]);
      const ok = await as('stationA')
        .patch(`/elders/${t.city.elder.a}`)
        .send({ version: before.version, livingSituation: 'EMPTY_NEST' })
        .expect(200);
      const stale = await as('dispatcherA')
        .patch(`/elders/${t.city.elder.a}`)
        .send({ version: before.version, livingSituation: 'WITH_FAMILY' })
        .expect(409);
      expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: ok.body.version } });
      const [after] = await t.ds.query(`SELECT version, living_situation FROM elder WHERE id = $1`, [t.city.elder.a]);
      expect(after).toEqual({ version: before.version + 1, living_situation: 'EMPTY_NEST' });
    });

    it('of two concurrent edits with the same version exactly one wins', async () => {
      const [{ version }] = await t.ds.query(`SELECT version FROM elder WHERE id = $1`, [t.city.elder.b]);
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          as('dispatcherB')
            .patch(`/elders/${t.city.elder.b}`)
            .send({ version, abilityLevel: n % 5 }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const [after] = await t.ds.query(`SELECT version FROM elder WHERE id = $1`, [t.city.elder.b]);
      expect(after.version).toBe(version + 1);
    });

    it('404 for staff of another region, 403 for auditors and providers; nothing changed', async () => {
      const [before] = await t.ds.query(`SELECT version FROM elder WHERE id = $1`, [t.city.elder.a]);
      await as('stationB').patch(`/elders/${t.city.elder.a}`).send({ version: before.version, name: 'x' }).expect(404);
      await as('auditorCity')
        .patch(`/elders/${t.city.elder.a}`)
        .send({ version: before.version, name: 'x' })
        .expect(403);
      await as('workerA').patch(`/elders/${t.city.elder.a}`).send({ version: before.version, name: 'x' }).expect(403);
      const [after] = await t.ds.query(`SELECT version, name FROM elder WHERE id = $1`, [t.city.elder.a]);
      expect(after).toEqual({ version: before.version, name: '张秀英' });
    });

    it('400 without a version, or when moving the elder out of the actor scope; nothing changed', async () => {
      const [before] = await t.ds.query(`SELECT version, community_code FROM elder WHERE id = $1`, [t.city.elder.a]);
      const noVersion = await as('stationA').patch(`/elders/${t.city.elder.a}`).send({ name: 'x' }).expect(400);
      expect(noVersion.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['version']);
      await as('dispatcherA')
        .patch(`/elders/${t.city.elder.a}`)
        .send({ version: before.version, communityCode: t.city.community.b1 })
        .expect(403);
      const dead = await as('dispatcherA')
        .patch(`/elders/${t.city.elder.a}`)
        .send({ version: before.version, status: 'DECEASED' })
        .expect(400);
      expect(dead.body.details.field).toBe('deceasedOn');
      const [after] = await t.ds.query(`SELECT version, community_code FROM elder WHERE id = $1`, [t.city.elder.a]);
      expect(after).toEqual(before);
    });
  });

  describe('GET /elders/:id/pii', () => {
    it('shows the unmasked data to station staff in scope and writes a PII_VIEWED audit row naming the viewer', async () => {
      const before = await auditRows('PII_VIEWED', t.city.elder.a);
      const res = await as('stationA').get(`/elders/${t.city.elder.a}/pii`).expect(200);
      expect(res.body).toMatchObject({
        id: t.city.elder.a,
        idNumber: '150302194503051222',
        phone: t.city.elderPhone.a,
        healthNotes: '高血压，服用降压药',
      });
      const after = await auditRows('PII_VIEWED', t.city.elder.a);
      expect(after).toHaveLength(before.length + 1);
      expect(after[after.length - 1]).toMatchObject({
        actor_user_id: t.city.users.stationA.id,
        actor_role: 'STATION_STAFF',
      });
      expect(JSON.stringify(after)).not.toContain('150302194503051222');
    });

    it('auditors in scope may open it too (audited)', async () => {
      await t.http().get(`/elders/${t.city.elder.a}/pii`).set('Authorization', `Bearer ${tok.auditorA}`).expect(200);
      const rows = await auditRows('PII_VIEWED', t.city.elder.a);
      expect(rows.some((r) => r.actor_user_id === t.city.users.auditorA.id)).toBe(true);
    });

    it('404 out of scope, 403 for elder, family, providers and workers; no audit row for refused views', async () => {
      const before = (await auditRows('PII_VIEWED', t.city.elder.a)).length;
      await t.http().get(`/elders/${t.city.elder.a}/pii`).set('Authorization', `Bearer ${tok.stationB}`).expect(404);
      for (const who of ['familyA', 'elderA', 'providerAdminA', 'workerA'])
        await t.http().get(`/elders/${t.city.elder.a}/pii`).set('Authorization', `Bearer ${tok[who]}`).expect(403);
      expect((await auditRows('PII_VIEWED', t.city.elder.a)).length).toBe(before);
    });
  });

  describe('public API for orders', () => {
    it('getElderForOrder returns the scope and home data with the address still encrypted; unknown ids are ELDER_NOT_FOUND', async () => {
      const elders = t.app.get(EldersService);
      const e = await elders.getElderForOrder(t.city.elder.a);
      expect(e).toMatchObject({
        id: t.city.elder.a,
        status: 'ACTIVE',
        communityCode: t.city.community.a1,
        regionPath: t.city.path.a1,
      });
      expect(Buffer.isBuffer(e.addressEnc)).toBe(true);
      expect(testCipher().decrypt(e.addressEnc)).toContain('3号楼2单元501');
      expect(testCipher().decrypt(e.phoneEnc!)).toBe(t.city.elderPhone.a);
      await expect(elders.getElderForOrder('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
        code: 'ELDER_NOT_FOUND',
        kind: 'NOT_FOUND',
      });
      await expect(elders.getElderForOrder('x')).rejects.toMatchObject({ code: 'ELDER_NOT_FOUND' });
    });

    it('getConfirmationPhones gives the elder phone first, then emergency contacts by priority, without duplicates', async () => {
      const elders = t.app.get(EldersService);
      const created = await as('stationA')
        .post('/elders')
        .send(
          newElder({
            idNumber: validId('15030219391111002'),
            phone: '13711112222',
            emergencyContacts: [
              { name: '李二', relation: '子女', phone: '13622223333', priority: 2 },
              { name: '李大', relation: '子女', phone: '13633334444', priority: 1 },
              { name: '李三', relation: '配偶', phone: '13711112222', priority: 3 },
            ],
          }),
        )
        .expect(201);
      expect(await elders.getConfirmationPhones(created.body.id)).toEqual([
        '13711112222',
        '13633334444',
        '13622223333',
      ]);
      const noPhone = await as('stationA')
        .post('/elders')
        .send(newElder({ idNumber: validId('15030219391111004'), phone: undefined, emergencyContacts: [] }))
        .expect(201);
      expect(noPhone.body.phone).toBeNull();
      expect(await elders.getConfirmationPhones(noPhone.body.id)).toEqual([]);
      await expect(elders.getConfirmationPhones('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
        kind: 'NOT_FOUND',
      });
    });
  });

  it('never wrote an ID number, elder phone or health notes into the logs', () => {
    const logs = t.logs.text();
    expect(logs).not.toContain('150302194503051222');
    expect(logs).not.toContain(t.city.elderPhone.a);
    expect(logs).not.toContain('13700001234');
    expect(logs).not.toContain('高血压');
  });
});
