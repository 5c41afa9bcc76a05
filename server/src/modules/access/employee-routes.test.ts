import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';

let t: TestApp;
let admin: { id: string; auth: { authorization: string } };
beforeEach(async () => {
  t = await testApp();
  admin = await t.userWithToken('admin');
});
afterEach(() => t.close());

const call = async (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  auth: object,
  payload?: object,
) => {
  const r = await t.app.inject({
    method,
    url,
    headers: auth as Record<string, string>,
    ...(payload ? { payload } : {}),
  });
  return { status: r.statusCode, body: r.json() as unknown };
};

describe('reading the employees of the access matrix', () => {
  it("lists every staff member with teams, functions and declaration, and one person's functions", async () => {
    const worker = await t.userWithToken('care_worker');
    const client = await t.userWithToken('client');
    const f = (await call('POST', '/api/v1/access/functions', admin.auth, {
      name: 'wijkverpleegkundige',
      windows: { planned_care: [{ weekday: 1, fromMinute: 480, toMinute: 1020 }] },
    })) as { body: { id: string } };
    await call('PUT', `/api/v1/access/employees/${worker.id}/functions`, admin.auth, {
      functionIds: [f.body.id],
    });
    await call('POST', '/api/v1/access/teams', admin.auth, { name: 'Noord', id: 'team-noord' });
    await call('PATCH', '/api/v1/access/teams/team-noord', admin.auth, { memberIds: [worker.id] });
    await call('POST', `/api/v1/access/employees/${worker.id}/declarations`, admin.auth, {
      signedAt: 1_000,
      documentRef: 'VOG-1',
    });

    const all = await call('GET', '/api/v1/access/employees', admin.auth);
    expect(all.status).toBe(200);
    const rows = all.body as Array<Record<string, unknown>>;
    expect(rows.map((r) => r['userId']).toSorted()).toEqual([admin.id, worker.id].toSorted());
    expect(rows.some((r) => r['userId'] === client.id)).toBe(false);
    expect(rows.find((r) => r['userId'] === worker.id)).toMatchObject({
      teams: [{ id: 'team-noord', name: 'Noord' }],
      functions: [{ id: f.body.id, name: 'wijkverpleegkundige' }],
      declarationSignedAt: 1_000,
      active: true,
    });
    expect(rows.find((r) => r['userId'] === admin.id)).toMatchObject({
      functions: [],
      inactiveReason: 'no_declaration',
    });

    expect(await call('GET', `/api/v1/access/employees/${worker.id}/functions`, admin.auth)).toEqual({
      status: 200,
      body: { userId: worker.id, functionIds: [f.body.id] },
    });
    expect((await call('GET', '/api/v1/access/employees/nobody/functions', admin.auth)).status).toBe(404);
  });

  it('a person in no team is not shown as blocked', async () => {
    const worker = await t.userWithToken('care_worker');
    await call('POST', `/api/v1/access/employees/${worker.id}/declarations`, admin.auth, {
      signedAt: 1_000,
      documentRef: 'VOG-2',
    });
    const rows = (await call('GET', '/api/v1/access/employees', admin.auth)).body as Array<
      Record<string, unknown>
    >;
    expect(rows.find((r) => r['userId'] === worker.id)).toMatchObject({
      teams: [],
      blocked: false,
      active: true,
    });
  });

  it('is for admins and monitors only', async () => {
    const worker = await t.userWithToken('care_worker');
    const monitor = await t.userWithToken('monitor');
    expect((await call('GET', '/api/v1/access/employees', worker.auth)).status).toBe(403);
    expect((await call('GET', `/api/v1/access/employees/${worker.id}/functions`, worker.auth)).status).toBe(
      403,
    );
    expect((await call('GET', '/api/v1/access/employees', monitor.auth)).status).toBe(200);
  });
});
