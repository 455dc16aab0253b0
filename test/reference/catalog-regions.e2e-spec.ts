import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogService } from '#lib/catalog';
import { RegionsService } from '#lib/regions';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('reference data: regions, facilities, catalogue', () => {
  let t: TestApp;
  let tok: Record<string, string>;
  const auth = (who: string) => ['Authorization', `Bearer ${tok[who]}`] as const;

  beforeAll(async () => {
    t = await startTestApp();
    tok = await t.tokensForAll();
  });
  afterAll(async () => t.close());

  describe('regions', () => {
    it('returns the city tree with levels, codes and coordinates to any signed-in role', async () => {
      for (const who of ['elderA', 'workerA', 'stationB', 'admin']) {
        const res = await t
          .http()
          .get('/regions/tree')
          .set(...auth(who))
          .expect(200);
        expect(res.body).toHaveLength(1);
        const city = res.body[0];
        expect(city).toMatchObject({ code: '150300', level: 'CITY', name: '乌海市' });
        expect(city.children.map((d: { code: string }) => d.code)).toEqual(['150302', '150303']);
        const street = city.children[0].children[0];
        expect(street.children.map((c: { code: string; level: string }) => [c.code, c.level])).toEqual([
          ['150302001001', 'COMMUNITY'],
          ['150302001201', 'VILLAGE'],
        ]);
        expect(typeof street.lat).toBe('number');
      }
    });

    it('needs a token', async () => {
      await t.http().get('/regions/tree').expect(401);
    });

    it('shows one region with its children and whether it is rural; 404 for an unknown code', async () => {
      const res = await t
        .http()
        .get('/regions/150302001')
        .set(...auth('stationA'))
        .expect(200);
      expect(res.body).toMatchObject({ level: 'STREET', rural: false, parentCode: '150302' });
      expect(res.body.children).toHaveLength(2);
      const village = await t
        .http()
        .get(`/regions/${t.city.community.a2}`)
        .set(...auth('stationA'))
        .expect(200);
      expect(village.body.rural).toBe(true);
      const unknown = await t
        .http()
        .get('/regions/150399')
        .set(...auth('stationA'))
        .expect(404);
      expect(unknown.body.code).toBe('REGION_NOT_FOUND');
      await t
        .http()
        .get('/regions/abc')
        .set(...auth('stationA'))
        .expect(404);
    });

    it('public API: requireCommunity refuses streets and unknown codes as input errors; isRural tells villages', async () => {
      const regions = t.app.get(RegionsService);
      await expect(regions.requireCommunity('150302001')).rejects.toMatchObject({
        kind: 'INVALID',
        code: 'NOT_A_COMMUNITY',
        details: { field: 'communityCode' },
      });
      await expect(regions.requireCommunity('150302001999')).rejects.toMatchObject({ kind: 'INVALID' });
      expect((await regions.requireCommunity(t.city.community.a1)).path).toBe(t.city.path.a1);
      expect(await regions.isRural(t.city.community.a2)).toBe(true);
      expect(await regions.isRural(t.city.community.a1)).toBe(false);
      await expect(regions.getRegion('999999')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    });
  });

  describe('facilities', () => {
    it('platform admin adds a community station; it is listed under its district, not under the other one', async () => {
      const res = await t
        .http()
        .post('/facilities')
        .set(...auth('admin'))
        .send({
          regionCode: t.city.community.a1,
          level: 'COMMUNITY_STATION',
          name: '新华东社区居家养老服务站',
          hotline: '0473-12349',
          operatorProviderId: t.city.provider.a,
        })
        .expect(201);
      expect(res.body).toMatchObject({
        regionCode: t.city.community.a1,
        lat: 39.684,
        lng: 106.82,
        operatorProviderId: t.city.provider.a,
      });
      const inA = await t
        .http()
        .get('/facilities')
        .query({ regionCode: t.city.district.a })
        .set(...auth('stationB'))
        .expect(200);
      expect(inA.body.map((f: { id: string }) => f.id)).toEqual([res.body.id]);
      const inB = await t
        .http()
        .get('/facilities')
        .query({ regionCode: t.city.district.b })
        .set(...auth('stationB'))
        .expect(200);
      expect(inB.body).toEqual([]);
      await t
        .http()
        .get('/facilities')
        .query({ regionCode: '150399' })
        .set(...auth('stationB'))
        .expect(404);
    });

    it('400 when the level does not fit the region, for an unknown operator or bad fields; 403 for non-admins; nothing written', async () => {
      const before = await t.count('facility');
      const level = await t
        .http()
        .post('/facilities')
        .set(...auth('admin'))
        .send({ regionCode: t.city.community.a1, level: 'DISTRICT_CENTRE', name: '错误中心' })
        .expect(400);
      expect(level.body).toMatchObject({ code: 'FACILITY_LEVEL_MISMATCH', details: { field: 'level' } });
      const op = await t
        .http()
        .post('/facilities')
        .set(...auth('admin'))
        .send({
          regionCode: t.city.district.a,
          level: 'DISTRICT_CENTRE',
          name: '海勃湾区指挥调度中心',
          operatorProviderId: '00000000-0000-4000-8000-000000000000',
        })
        .expect(400);
      expect(op.body.details.field).toBe('operatorProviderId');
      const fields = await t
        .http()
        .post('/facilities')
        .set(...auth('admin'))
        .send({ regionCode: 'x', level: 'HQ', name: '', lat: '39' })
        .expect(400);
      expect(fields.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'lat',
        'level',
        'name',
        'regionCode',
      ]);
      await t
        .http()
        .post('/facilities')
        .set(...auth('dispatcherA'))
        .send({ regionCode: t.city.district.a, level: 'DISTRICT_CENTRE', name: '海勃湾区指挥调度中心' })
        .expect(403);
      expect(await t.count('facility')).toBe(before);
    });
  });

  describe('catalogue', () => {
    it('lists the ten helps in order with their active items, Chinese and English names, to any signed-in role', async () => {
      const res = await t
        .http()
        .get('/catalog')
        .set(...auth('familyA'))
        .expect(200);
      expect(res.body.map((s: { code: string }) => s.code)).toEqual([
        'MEAL',
        'BATH',
        'MEDICAL',
        'CLEAN',
        'EMERGENCY',
        'MOBILITY',
        'SHOPPING',
        'RECREATION',
        'CHAT',
        'LEARNING',
      ]);
      expect(res.body[0]).toMatchObject({ nameZh: '助餐', nameEn: 'Meals' });
      const emergency = res.body.find((s: { code: string }) => s.code === 'EMERGENCY');
      expect(emergency.items.find((i: { code: string }) => i.code === 'SOS_RESPONSE')).toMatchObject({
        onsiteSlaMinutes: 30,
        requiredQualification: 'FIRST_AID',
        unit: 'VISIT',
      });
    });

    it('admin edits price and SLA with the current version (audited); a stale version is 409 and changes nothing', async () => {
      const id = t.city.items.CLEAN_HOUR;
      const cur = await t
        .http()
        .get(`/catalog/items/${id}`)
        .set(...auth('stationA'))
        .expect(200);
      const res = await t
        .http()
        .patch(`/catalog/items/${id}`)
        .set(...auth('admin'))
        .send({ version: cur.body.version, priceCents: 4000, acceptSlaMinutes: 90, requiredQualification: null })
        .expect(200);
      expect(res.body).toMatchObject({
        priceCents: 4000,
        acceptSlaMinutes: 90,
        requiredQualification: null,
        version: cur.body.version + 1,
      });
      const stale = await t
        .http()
        .patch(`/catalog/items/${id}`)
        .set(...auth('admin'))
        .send({ version: cur.body.version, priceCents: 1 })
        .expect(409);
      expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: cur.body.version + 1 } });
      const [row] = await t.ds.query(`SELECT price_cents, version FROM service_item WHERE id = $1`, [id]);
      expect(row).toEqual({ price_cents: 4000, version: cur.body.version + 1 });
      const audit = await t.ds.query(
        `SELECT details FROM audit_log WHERE action = 'CATALOG_ITEM_CHANGED' AND object_id = $1`,
        [id],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0].details.changed.sort()).toEqual(['acceptSlaMinutes', 'priceCents', 'requiredQualification']);
    });

    it('400 naming bad fields (negative price, unknown field, missing version); 403 for non-admins; 404 unknown item; nothing changed', async () => {
      const id = t.city.items.LAUNDRY;
      const [before] = await t.ds.query(`SELECT price_cents, version FROM service_item WHERE id = $1`, [id]);
      const bad = await t
        .http()
        .patch(`/catalog/items/${id}`)
        .set(...auth('admin'))
        .send({ priceCents: -5, discount: 10 })
        .expect(400);
      expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'discount',
        'priceCents',
        'version',
      ]);
      await t
        .http()
        .patch(`/catalog/items/${id}`)
        .set(...auth('dispatcherA'))
        .send({ version: before.version, priceCents: 1 })
        .expect(403);
      await t
        .http()
        .patch(`/catalog/items/00000000-0000-4000-8000-000000000000`)
        .set(...auth('admin'))
        .send({ version: 1, priceCents: 1 })
        .expect(404);
      const [after] = await t.ds.query(`SELECT price_cents, version FROM service_item WHERE id = $1`, [id]);
      expect(after).toEqual(before);
    });

    it('admin adds an item; a duplicate code is 409; deactivating hides it and getActiveItem refuses it', async () => {
      const body = {
        code: 'FOOT_CARE',
        serviceType: 'MEDICAL',
        nameZh: '足部护理',
        nameEn: 'Foot care',
        unit: 'VISIT',
        priceCents: 3000,
        minDurationMinutes: 30,
        requiredQualification: 'NURSE',
        acceptSlaMinutes: 60,
      };
      const created = await t
        .http()
        .post('/catalog/items')
        .set(...auth('admin'))
        .send(body)
        .expect(201);
      expect(created.body).toMatchObject({ ...body, active: true, version: 1, onsiteSlaMinutes: null });
      const before = await t.count('service_item');
      expect(
        (
          await t
            .http()
            .post('/catalog/items')
            .set(...auth('admin'))
            .send(body)
            .expect(409)
        ).body.code,
      ).toBe('ITEM_CODE_TAKEN');
      await t
        .http()
        .post('/catalog/items')
        .set(...auth('stationA'))
        .send({ ...body, code: 'OTHER' })
        .expect(403);
      expect(await t.count('service_item')).toBe(before);

      const catalog = t.app.get(CatalogService);
      expect(await catalog.getActiveItem(created.body.id)).toMatchObject({
        serviceType: 'MEDICAL',
        priceCents: 3000,
        requiredQualification: 'NURSE',
        minDurationMinutes: 30,
      });
      await t
        .http()
        .patch(`/catalog/items/${created.body.id}`)
        .set(...auth('admin'))
        .send({ version: 1, active: false })
        .expect(200);
      await expect(catalog.getActiveItem(created.body.id)).rejects.toMatchObject({
        code: 'ITEM_INACTIVE',
        kind: 'INVALID',
      });
      await expect(catalog.getActiveItem('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
        code: 'ITEM_NOT_FOUND',
        kind: 'NOT_FOUND',
      });
      const list = await t
        .http()
        .get('/catalog')
        .set(...auth('stationA'))
        .expect(200);
      expect(JSON.stringify(list.body)).not.toContain('FOOT_CARE');
      await t
        .http()
        .get(`/catalog/items/${created.body.id}`)
        .set(...auth('stationA'))
        .expect(404);
      const adminList = await t
        .http()
        .get('/catalog?includeInactive=true')
        .set(...auth('admin'))
        .expect(200);
      expect(JSON.stringify(adminList.body)).toContain('FOOT_CARE');
      // a non-admin asking for inactive items still gets active ones only
      const sneaky = await t
        .http()
        .get('/catalog?includeInactive=true')
        .set(...auth('stationA'))
        .expect(200);
      expect(JSON.stringify(sneaky.body)).not.toContain('FOOT_CARE');
    });
  });
});
