import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';

let t: TestApp;
let admin: { id: string; auth: { authorization: string } };
beforeEach(async () => {
  t = await testApp();
  admin = await t.userWithToken('admin');
});
afterEach(() => t.close());

const inject = async (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
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
  return {
    status: r.statusCode,
    body: r.body ? (r.json() as Record<string, unknown> & unknown[]) : null,
    raw: r.body,
  };
};

describe('matrix administration', () => {
  it('only admins change the matrix; every change is audited; invalid windows are refused', async () => {
    const worker = await t.userWithToken('care_worker');
    const body = {
      name: 'district nurse',
      windows: { planned_care: [{ weekday: 1, fromMinute: 420, toMinute: 1320 }] },
    };
    expect((await inject('POST', '/api/v1/access/functions', worker.auth, body)).status).toBe(403);
    const f = await inject('POST', '/api/v1/access/functions', admin.auth, body);
    expect(f.status).toBe(201);
    const bad = await inject('PUT', `/api/v1/access/functions/${f.body!['id']}/windows`, admin.auth, {
      alarm: [{ weekday: 1, fromMinute: 600, toMinute: 600 }],
    });
    expect(bad.status).toBe(409);
    expect(
      (
        await inject('PUT', `/api/v1/access/functions/${f.body!['id']}/windows`, admin.auth, {
          alarm: [{ weekday: 8, fromMinute: 0, toMinute: 10 }],
        })
      ).status,
    ).toBe(400);
    const team = await inject('POST', '/api/v1/access/teams', admin.auth, {
      name: 'Team West',
      id: 'team-west',
    });
    expect(team.body).toMatchObject({ id: 'team-west' });
    expect(
      (await inject('PATCH', '/api/v1/access/teams/team-west', admin.auth, { memberIds: ['nobody'] })).status,
    ).toBe(404);
    const actions = (await t.app.access.setup.audit.list({ limit: 100 })).map((e) => e.action);
    expect(actions).toEqual(['matrix.function_created', 'matrix.team_created']);
  });

  it('the yearly review is overdue until recorded, and again once a year has passed', async () => {
    expect((await inject('GET', '/api/v1/access/matrix/review-status', admin.auth)).body).toMatchObject({
      overdue: true,
      lastReview: null,
    });
    const { matrix } = t.app.access.setup;
    await matrix.recordReview(admin.id, 'last year', t.clock.now() - 365 * 86_400_000);
    expect((await inject('GET', '/api/v1/access/matrix/review-status', admin.auth)).body).toMatchObject({
      overdue: true,
    });
    await matrix.recordReview(admin.id, 'almost a year ago', t.clock.now() - 365 * 86_400_000 + 1);
    expect((await inject('GET', '/api/v1/access/matrix/review-status', admin.auth)).body).toMatchObject({
      overdue: false,
    });
    const r = await inject('POST', '/api/v1/access/matrix/reviews', admin.auth, {
      note: 'reviewed with the care manager',
    });
    expect(r.body).toMatchObject({ overdue: false, lastReview: { note: 'reviewed with the care manager' } });
  });

  it('settings are validated, changed by admins only and audited', async () => {
    const s = (await inject('GET', '/api/v1/access/settings', admin.auth)).body!;
    expect(s).toMatchObject({ codeValidityMinutes: 15, retentionDays: 730 });
    expect(
      (await inject('PUT', '/api/v1/access/settings', admin.auth, { ...s, codeValidityMinutes: 1 })).status,
    ).toBe(400);
    const ok = await inject('PUT', '/api/v1/access/settings', admin.auth, { ...s, codeValidityMinutes: 10 });
    expect(ok.body).toMatchObject({ codeValidityMinutes: 10 });
    const monitor = await t.userWithToken('monitor');
    expect((await inject('PUT', '/api/v1/access/settings', monitor.auth, s)).status).toBe(403);
  });
});

describe('key safe keys', () => {
  it('are generated on provisioning, stored sealed, and never returned by the API', async () => {
    const c = await t.app.baken.repos.clients.createClient({ name: 'C' }, t.clock.now());
    const h = await t.app.baken.repos.clients.createHome({ clientId: c.id, address: 'A 1' }, t.clock.now());
    const d = await t.app.baken.repos.devices.create(
      { serial: 'KS-1', type: 'keysafe', status: 'installed', homeId: h.id },
      { userId: null },
      t.clock.now(),
    );
    const p = await inject('POST', `/api/v1/access/keysafes/${d.id}/provision`, admin.auth);
    expect(p.status).toBe(202);
    const keys = t.app.access.setup.keys;
    const k = (await keys.key(d.id))!;
    const hex = Buffer.from(k.key).toString('hex');
    const row = t.app.baken.db
      .prepare('SELECT key_sealed FROM keysafe_keys WHERE device_id = ?')
      .get(d.id) as { key_sealed: string };
    expect(row.key_sealed).not.toContain(hex);
    expect(row.key_sealed).not.toContain(Buffer.from(k.key).toString('base64'));
    for (const url of [
      '/api/v1/access/keysafes',
      '/api/v1/access/revocations/pending',
      `/api/v1/devices/${d.id}`,
      '/api/v1/audit/entries',
    ]) {
      const r = await inject('GET', url, admin.auth);
      expect(r.raw).not.toContain(hex);
    }
    // offline: the offline-code key waits as "not yet received"
    expect((await inject('GET', '/api/v1/access/revocations/pending', admin.auth)).body).toEqual([
      expect.objectContaining({ purpose: 'offline_key', status: 'pending' }),
    ]);
  });
});

describe('key safe key import', () => {
  it('a key of the wrong length is a 400 BAKEN_ERR_VALIDATION naming the key, and nothing is stored', async () => {
    const keys = t.app.access.setup.keys;
    await expect(keys.importKey('dev-1', 'KS-1', new Uint8Array(16), t.clock.now())).rejects.toMatchObject({
      code: 'BAKEN_ERR_VALIDATION',
      statusCode: 400,
      details: [expect.objectContaining({ field: 'key' })],
    });
    expect(await keys.has('dev-1')).toBe(false);
  });
});

describe('retention', () => {
  it('the daily purge on the injected clock removes old access data and leaves an audit entry', async () => {
    const { setup } = t.app.access;
    // an entry older than the 730-day default, then one day of the scheduler
    await setup.audit.append({
      at: t.clock.now() - 731 * 86_400_000,
      actor: 'system',
      action: 'test.old',
      subject: 's',
    });
    await setup.audit.append({ at: t.clock.now(), actor: 'system', action: 'test.new', subject: 's' });
    t.clock.advance(86_400_000);
    await new Promise((done) => setImmediate(done)); // the purge runs asynchronously
    const entries = await setup.audit.list({ limit: 100 });
    expect(entries.map((e) => e.action)).not.toContain('test.old');
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['test.new', 'audit.purged', 'access.retention_purge']),
    );
    expect(await setup.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('the phone page', () => {
  it('the short /access link leads to the dashboard page for key-safe codes', async () => {
    const r = await t.app.inject({ url: '/access' });
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe('/app/key-code');
  });
});
