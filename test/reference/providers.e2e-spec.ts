import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProvidersService } from '#lib/providers';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('providers: scope, contracts, workers', () => {
  let t: TestApp;
  let tok: Record<string, string>;
  const auth = (who: string) => ['Authorization', `Bearer ${tok[who]}`] as const;

  beforeAll(async () => {
    t = await startTestApp();
    tok = await t.tokensForAll();
  });
  afterAll(async () => t.close());

  describe('GET /providers and /providers/:id', () => {
    const ids = (body: { id: string }[]) => body.map((p) => p.id).sort();

    it('region roles see the providers of their district; city-level roles see all; provider admins only their own', async () => {
      const { a, b } = t.city.provider;
      const cases: [string, string[]][] = [
        ['stationA', [a]],
        ['hubA', [a]],
        ['dispatcherA', [a]],
        ['dispatcherB', [b]],
        ['stationB', [b]],
        ['auditorA', [a]],
        ['auditorCity', [a, b].sort()],
        ['admin', [a, b].sort()],
        ['providerAdminA', [a]],
        ['providerAdminB', [b]],
      ];
      for (const [who, expected] of cases) {
        const res = await t
          .http()
          .get('/providers')
          .set(...auth(who))
          .expect(200);
        expect([who, ids(res.body)]).toEqual([who, expected]);
      }
    });

    it('shows a provider with its contracts in scope and 404 out of scope', async () => {
      const res = await t
        .http()
        .get(`/providers/${t.city.provider.a}`)
        .set(...auth('stationA'))
        .expect(200);
      expect(res.body.contracts).toHaveLength(1);
      expect(res.body.contracts[0]).toMatchObject({
        communityCodes: [t.city.community.a1, t.city.community.a2],
        validFrom: '2020-01-01',
        validTo: '2099-12-31',
      });
      for (const who of ['stationB', 'dispatcherB', 'providerAdminB']) {
        const out = await t
          .http()
          .get(`/providers/${t.city.provider.a}`)
          .set(...auth(who))
          .expect(404);
        expect(out.body.code).toBe('PROVIDER_NOT_FOUND');
      }
      await t
        .http()
        .get('/providers/not-a-uuid')
        .set(...auth('admin'))
        .expect(404);
    });

    it('a district staff sees a provider of another district once it is contracted in their community', async () => {
      const p = await t
        .http()
        .post('/providers')
        .set(...auth('admin'))
        .send({
          name: '海南区跨区服务公司',
          creditCode: '91150303MA0000009Y',
          districtCode: t.city.district.b,
          baseLat: 39.44,
          baseLng: 106.88,
          capacity: 10,
        })
        .expect(201);
      expect(
        (
          await t
            .http()
            .get(`/providers/${p.body.id}`)
            .set(...auth('stationA'))
        ).status,
      ).toBe(404);
      await t
        .http()
        .post(`/providers/${p.body.id}/contracts`)
        .set(...auth('admin'))
        .send({
          serviceTypes: ['CLEAN'],
          communityCodes: [t.city.community.a1],
          validFrom: '2026-01-01',
          validTo: '2026-12-31',
        })
        .expect(201);
      await t
        .http()
        .get(`/providers/${p.body.id}`)
        .set(...auth('stationA'))
        .expect(200);
      await t
        .http()
        .get(`/providers/${p.body.id}`)
        .set(...auth('hubA'))
        .expect(200);
      const list = await t
        .http()
        .get('/providers')
        .set(...auth('stationA'))
        .expect(200);
      expect(list.body.map((x: { id: string }) => x.id)).toContain(p.body.id);
    });

    it.each(['workerA', 'elderA', 'familyA'])('%s may not list providers (403)', async (who) => {
      await t
        .http()
        .get('/providers')
        .set(...auth(who))
        .expect(403);
    });
  });

  describe('POST /providers', () => {
    const body = {
      name: '乌达区新服务中心',
      creditCode: '91150304MA0000003C',
      districtCode: '150302',
      contactPhone: '0473-3991234',
      baseLat: 39.5,
      baseLng: 106.7,
      capacity: 20,
      openingHours: { '1': ['08:00-17:30'] },
    };

    it('platform admin registers a provider; a duplicate credit code is 409', async () => {
      const res = await t
        .http()
        .post('/providers')
        .set(...auth('admin'))
        .send(body)
        .expect(201);
      expect(res.body).toMatchObject({
        name: body.name,
        districtCode: '150302',
        capacity: 20,
        status: 'ACTIVE',
        openingHours: { '1': ['08:00-17:30'] },
      });
      const before = await t.count('provider');
      const dup = await t
        .http()
        .post('/providers')
        .set(...auth('admin'))
        .send({ ...body, name: 'x公司' })
        .expect(409);
      expect(dup.body.code).toBe('CREDIT_CODE_TAKEN');
      expect(await t.count('provider')).toBe(before);
    });

    it('400 naming the fields for bad opening hours, a community as district, wrong types; nothing written', async () => {
      const before = await t.count('provider');
      const bad = await t
        .http()
        .post('/providers')
        .set(...auth('admin'))
        .send({
          ...body,
          creditCode: '91150304MA0000004D',
          openingHours: { '8': ['25:00-26:00'] },
          capacity: '20',
          baseLat: 200,
        })
        .expect(400);
      expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'baseLat',
        'capacity',
        'openingHours',
      ]);
      expect(bad.body.message).toContain('ISO weekday');
      const notDistrict = await t
        .http()
        .post('/providers')
        .set(...auth('admin'))
        .send({ ...body, creditCode: '91150304MA0000004D', districtCode: '150300' })
        .expect(400);
      expect(notDistrict.body.details.field).toBe('districtCode');
      const reversed = await t
        .http()
        .post('/providers')
        .set(...auth('admin'))
        .send({ ...body, creditCode: '91150304MA0000004D', openingHours: { '2': ['18:00-08:00'] } })
        .expect(400);
      expect(reversed.body.message).toContain('start before it ends');
      expect(await t.count('provider')).toBe(before);
    });

    it.each(['dispatcherA', 'providerAdminA', 'auditorCity'])('%s may not register providers (403)', async (who) => {
      const before = await t.count('provider');
      await t
        .http()
        .post('/providers')
        .set(...auth(who))
        .send({ ...body, creditCode: '91150304MA0000005E' })
        .expect(403);
      expect(await t.count('provider')).toBe(before);
    });
  });

  describe('POST /providers/:id/contracts', () => {
    it('adds a contract that isContracted then honours by service type, community and date', async () => {
      const res = await t
        .http()
        .post(`/providers/${t.city.provider.b}/contracts`)
        .set(...auth('admin'))
        .send({
          serviceTypes: ['MEAL'],
          communityCodes: [t.city.community.a2],
          validFrom: '2026-03-01',
          validTo: '2026-03-31',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        providerId: t.city.provider.b,
        serviceTypes: ['MEAL'],
        communityCodes: [t.city.community.a2],
      });
      const svc = t.app.get(ProvidersService);
      const { b } = t.city.provider;
      const { a2 } = t.city.community;
      expect(await svc.isContracted(b, 'MEAL', a2, new Date('2026-03-15T04:00:00Z'))).toBe(true);
      // 1 March 00:30 in China is still 28 February in UTC: the contract date is China's
      expect(await svc.isContracted(b, 'MEAL', a2, new Date('2026-02-28T16:30:00Z'))).toBe(true);
      expect(await svc.isContracted(b, 'MEAL', a2, new Date('2026-02-28T15:30:00Z'))).toBe(false);
      expect(await svc.isContracted(b, 'MEAL', a2, new Date('2026-04-01T04:00:00Z'))).toBe(false);
      expect(await svc.isContracted(b, 'CLEAN', a2, new Date('2026-03-15T04:00:00Z'))).toBe(false);
      expect(await svc.isContracted(b, 'MEAL', t.city.community.a1, new Date('2026-03-15T04:00:00Z'))).toBe(false);
      const candidates = await svc.contractedProviders('MEAL', a2, new Date('2026-03-15T04:00:00Z'));
      expect(candidates.map((p) => p.id).sort()).toEqual([t.city.provider.a, b].sort());
      const rows = await t.ds.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'PROVIDER_CONTRACT_CREATED' AND object_id = $1`,
        [res.body.id],
      );
      expect(rows[0].n).toBe(1);
    });

    it('400 for unknown or non-community codes, reversed dates, unknown service types; 404 unknown provider; nothing written', async () => {
      const before = await t.count('provider_contract');
      const ok = {
        serviceTypes: ['MEAL'],
        communityCodes: [t.city.community.a1],
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      };
      const url = `/providers/${t.city.provider.b}/contracts`;
      const unknown = await t
        .http()
        .post(url)
        .set(...auth('admin'))
        .send({ ...ok, communityCodes: ['150302001999'] })
        .expect(400);
      expect(unknown.body.details.field).toBe('communityCodes');
      const street = await t
        .http()
        .post(url)
        .set(...auth('admin'))
        .send({ ...ok, communityCodes: ['150302001'] })
        .expect(400);
      expect(street.body.details.fields[0].field).toBe('communityCodes');
      const reversed = await t
        .http()
        .post(url)
        .set(...auth('admin'))
        .send({ ...ok, validFrom: '2027-01-01' })
        .expect(400);
      expect(reversed.body.details.field).toBe('validTo');
      const types = await t
        .http()
        .post(url)
        .set(...auth('admin'))
        .send({ ...ok, serviceTypes: ['MASSAGE'], validTo: '2026-13-01' })
        .expect(400);
      expect(types.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'serviceTypes',
        'validTo',
      ]);
      await t
        .http()
        .post(`/providers/00000000-0000-4000-8000-000000000000/contracts`)
        .set(...auth('admin'))
        .send(ok)
        .expect(404);
      await t
        .http()
        .post(url)
        .set(...auth('providerAdminB'))
        .send(ok)
        .expect(403);
      expect(await t.count('provider_contract')).toBe(before);
    });
  });

  describe('workers', () => {
    it('the provider admin sees their workers with phones in clear; the platform admin sees them masked', async () => {
      const own = await t
        .http()
        .get(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('providerAdminA'))
        .expect(200);
      expect(own.body).toHaveLength(2);
      for (const w of own.body) expect(w.phone).toMatch(/^1\d{10}$/);
      const admin = await t
        .http()
        .get(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('admin'))
        .expect(200);
      for (const w of admin.body) expect(w.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
    });

    it("another provider's admin gets 404; dispatchers and workers 403", async () => {
      const res = await t
        .http()
        .get(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('providerAdminB'))
        .expect(404);
      expect(res.body.code).toBe('PROVIDER_NOT_FOUND');
      await t
        .http()
        .get(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('dispatcherA'))
        .expect(403);
      await t
        .http()
        .get(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('workerA'))
        .expect(403);
    });

    it('the provider admin adds and edits a worker (phone stored encrypted); getWorkerForAssignment follows the status', async () => {
      const created = await t
        .http()
        .post(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('providerAdminA'))
        .send({ name: '孙护士', phone: '13655556666', qualifications: ['NURSE'], shifts: { '1': ['08:00-12:00'] } })
        .expect(201);
      expect(created.body).toMatchObject({
        name: '孙护士',
        phone: '13655556666',
        qualifications: ['NURSE'],
        status: 'ACTIVE',
      });
      const [row] = await t.ds.query(`SELECT phone_enc FROM worker WHERE id = $1`, [created.body.id]);
      expect(Buffer.from(row.phone_enc).toString('utf8')).not.toContain('13655556666');
      const svc = t.app.get(ProvidersService);
      const w = await svc.getWorkerForAssignment(t.city.provider.a, created.body.id);
      expect(svc.workerHasQualification(w, 'NURSE')).toBe(true);
      expect(svc.workerHasQualification(w, 'FIRST_AID')).toBe(false);
      expect(svc.workerHasQualification(w, null)).toBe(true);

      const patched = await t
        .http()
        .patch(`/providers/${t.city.provider.a}/workers/${created.body.id}`)
        .set(...auth('providerAdminA'))
        .send({ status: 'SUSPENDED', qualifications: ['NURSE', 'FIRST_AID'] })
        .expect(200);
      expect(patched.body).toMatchObject({ status: 'SUSPENDED', qualifications: ['NURSE', 'FIRST_AID'] });
      await expect(svc.getWorkerForAssignment(t.city.provider.a, created.body.id)).rejects.toMatchObject({
        code: 'WORKER_NOT_ACTIVE',
        kind: 'INVALID',
      });
      await expect(svc.getWorkerForAssignment(t.city.provider.b, created.body.id)).rejects.toMatchObject({
        code: 'WORKER_NOT_FOUND',
        kind: 'NOT_FOUND',
      });
      await expect(svc.getWorkerForAssignment(t.city.provider.a, 'nope')).rejects.toMatchObject({
        code: 'WORKER_NOT_FOUND',
      });
    });

    it("400 for bad worker input; 404 for another provider's worker; 403 for the platform admin writing; nothing written", async () => {
      const before = await t.count('worker');
      const bad = await t
        .http()
        .post(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('providerAdminA'))
        .send({ name: '', phone: '12', qualifications: ['nurse'], status: 'ON_LEAVE', salary: 1 })
        .expect(400);
      expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'name',
        'phone',
        'qualifications',
        'salary',
        'status',
      ]);
      await t
        .http()
        .post(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('providerAdminB'))
        .send({ name: '钱师傅' })
        .expect(404);
      await t
        .http()
        .post(`/providers/${t.city.provider.a}/workers`)
        .set(...auth('admin'))
        .send({ name: '钱师傅' })
        .expect(403);
      expect(await t.count('worker')).toBe(before);
      const [w] = await t.ds.query(`SELECT name, status FROM worker WHERE id = $1`, [t.city.worker.b]);
      await t
        .http()
        .patch(`/providers/${t.city.provider.a}/workers/${t.city.worker.b}`)
        .set(...auth('providerAdminA'))
        .send({ status: 'LEFT' })
        .expect(404);
      await t
        .http()
        .patch(`/providers/${t.city.provider.b}/workers/${t.city.worker.b}`)
        .set(...auth('providerAdminA'))
        .send({ status: 'LEFT' })
        .expect(404);
      expect((await t.ds.query(`SELECT name, status FROM worker WHERE id = $1`, [t.city.worker.b]))[0]).toEqual(w);
    });
  });
});
