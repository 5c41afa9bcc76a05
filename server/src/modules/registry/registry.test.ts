import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(() => t.close());

async function seedHome(auth: Record<string, string>) {
  const c = await t.app.inject({
    method: 'POST',
    url: '/api/v1/clients',
    headers: auth,
    payload: {
      name: 'Mrs. Jansen',
      contacts: [{ name: 'Anna', relation: 'daughter', phone: '+31600000000' }],
    },
  });
  expect(c.statusCode).toBe(201);
  const h = await t.app.inject({
    method: 'POST',
    url: '/api/v1/homes',
    headers: auth,
    payload: { clientId: c.json().id, address: 'Dorpsstraat 1', city: 'Ede', region: 'Gelderland' },
  });
  expect(h.statusCode).toBe(201);
  return { clientId: c.json().id as string, homeId: h.json().id as string };
}

describe('roles', () => {
  it('a technician cannot manage users; an admin can', async () => {
    const tech = await t.userWithToken('technician');
    const admin = await t.userWithToken('admin');
    const payload = { username: 'newbie', displayName: 'N', role: 'monitor', password: 'twelve chars!' };
    const r1 = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: tech.auth, payload });
    expect(r1.statusCode).toBe(403);
    expect(r1.json().error.code).toBe('BAKEN_ERR_FORBIDDEN');
    expect((await t.app.inject({ url: '/api/v1/users', headers: tech.auth })).statusCode).toBe(403);
    const r2 = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.auth, payload });
    expect(r2.statusCode).toBe(201);
    expect(JSON.stringify(r2.json())).not.toContain('password');
  });

  it('a client sees only their own home', async () => {
    const tech = await t.userWithToken('technician');
    const mine = await seedHome(tech.auth);
    const other = await seedHome(tech.auth);
    const client = await t.userWithToken('client', { clientId: mine.clientId });
    const list = await t.app.inject({ url: '/api/v1/homes', headers: client.auth });
    expect(list.json().map((h: { id: string }) => h.id)).toEqual([mine.homeId]);
    expect(
      (await t.app.inject({ url: `/api/v1/homes/${mine.homeId}`, headers: client.auth })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ url: `/api/v1/homes/${other.homeId}`, headers: client.auth })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: `/api/v1/clients/${other.clientId}`, headers: client.auth })).statusCode,
    ).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/devices', headers: client.auth })).statusCode).toBe(403);
    const techList = await t.app.inject({ url: '/api/v1/homes', headers: tech.auth });
    expect(techList.json()).toHaveLength(2);
  });

  it('anonymous callers get 401', async () => {
    const r = await t.app.inject({ url: '/api/v1/homes' });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('BAKEN_ERR_UNAUTHENTICATED');
  });
});

describe('malformed input never yields 500', () => {
  it.each([
    ['POST', '/api/v1/clients', '{"name":', 'application/json'],
    ['POST', '/api/v1/clients', '[]', 'application/json'],
    ['POST', '/api/v1/clients', '{"name":""}', 'application/json'],
    ['POST', '/api/v1/clients', '{"name":"x","bogus":1}', 'application/json'],
    ['POST', '/api/v1/devices', '{"serial":"a b","type":"toaster"}', 'application/json'],
    ['POST', '/api/v1/devices', 'serial=1', 'application/x-www-form-urlencoded'],
    ['GET', '/api/v1/devices?limit=-5', undefined, undefined],
    ['GET', '/api/v1/homes/%E0%A4%A', undefined, undefined],
    ['POST', '/api/v1/auth/login', '{"username":1}', 'application/json'],
    ['POST', '/api/v1/import/devices', 'serial,type\n"unterminated', 'text/csv'],
    ['GET', '/nope', undefined, undefined],
  ])('%s %s %s', async (method, url, payload, type) => {
    const admin = await t.userWithToken('admin');
    const r = await t.app.inject({
      method: method as 'GET' | 'POST',
      url,
      headers: { ...admin.auth, ...(type ? { 'content-type': type } : {}) },
      ...(payload !== undefined ? { payload } : {}),
    });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.json().error.code).toMatch(/^BAKEN_ERR_/);
  });

  it('names the offending field', async () => {
    const admin = await t.userWithToken('admin');
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: admin.auth,
      payload: { serial: 'P1' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({
      code: 'BAKEN_ERR_VALIDATION',
      details: [{ field: '/body/type' }],
    });
  });
});

describe('devices, import and export', () => {
  it('keeps lifecycle history and round-trips the installed base through CSV', async () => {
    const tech = await t.userWithToken('technician');
    const { homeId } = await seedHome(tech.auth);
    const d = await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: tech.auth,
      payload: {
        serial: 'PEN-001',
        type: 'pendant',
        model: 'B1, "quoted"',
        homeId,
        installDate: '2025-01-02',
      },
    });
    expect(d.statusCode).toBe(201);
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: tech.auth,
      payload: { serial: 'PEN-001', type: 'pendant' },
    });
    expect(dup.statusCode).toBe(409);
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/devices/${d.json().id}/status`,
      headers: tech.auth,
      payload: { status: 'installed' },
    });
    const got = await t.app.inject({ url: `/api/v1/devices/${d.json().id}`, headers: tech.auth });
    expect(got.json().history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'in_stock',
      'installed',
    ]);

    const csv = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/devices',
      headers: { ...tech.auth, 'content-type': 'application/json' },
      payload: {
        rows: [
          { serial: 'KS-9', type: 'keysafe', status: 'in_stock', model: '=cmd()' },
          { serial: 'BAD', type: 'fridge', status: 'in_stock' },
          { serial: 'KS-10', type: 'keysafe', status: 'in_stock', homeId: 'missing' },
        ],
      },
    });
    expect(csv.json()).toMatchObject({ applied: false, rows: 3 });
    expect(csv.json().errors.map((e: { row: number }) => e.row)).toEqual([2, 3]);
    expect(csv.json().errors[0].errors[0].field).toBe('/type');

    await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/devices',
      headers: tech.auth,
      payload: { rows: [{ serial: 'KS-9', type: 'keysafe', status: 'in_stock', model: '=cmd()' }] },
    });
    const exported = await t.app.inject({ url: '/api/v1/export/devices.csv', headers: tech.auth });
    expect(exported.headers['content-type']).toContain('text/csv');
    expect(exported.body).toContain("'=cmd()");

    // Into a fresh server with the same home id: export → import → export is identical.
    const t2 = await testApp();
    try {
      const tech2 = await t2.userWithToken('technician');
      const c = await t2.app.baken.repos.clients.createClient({ name: 'X' }, 0);
      t2.app.baken.db
        .prepare('INSERT INTO homes (id, client_id, address, created_at, updated_at) VALUES (?, ?, ?, 0, 0)')
        .run(homeId, c.id, 'A');
      const dry = await t2.app.inject({
        method: 'POST',
        url: '/api/v1/import/devices?dryRun=true',
        headers: { ...tech2.auth, 'content-type': 'text/csv' },
        payload: exported.body,
      });
      expect(dry.json()).toMatchObject({ dryRun: true, applied: false, errors: [] });
      expect(await t2.app.baken.repos.devices.all()).toHaveLength(0);
      const real = await t2.app.inject({
        method: 'POST',
        url: '/api/v1/import/devices',
        headers: { ...tech2.auth, 'content-type': 'text/csv' },
        payload: exported.body,
      });
      expect(real.json()).toMatchObject({ applied: true, created: 2, errors: [] });
      const again = await t2.app.inject({ url: '/api/v1/export/devices.csv', headers: tech2.auth });
      expect(again.body).toBe(exported.body);
    } finally {
      await t2.close();
    }
  });
});

describe('ops endpoints', () => {
  it('serves healthz and the OpenAPI docs, and counts metrics; readyz reports a missing broker', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().db.ok).toBe(true);
    const m = await t.app.baken.metrics.registry.metrics();
    expect(m).toContain('baken_http_requests_total');
    expect(m).toContain('baken_nodejs_eventloop_lag_seconds');
    const docs = await t.app.inject({ url: '/docs/json' });
    expect(docs.json().paths['/api/v1/provision']).toBeDefined();
  });
});
