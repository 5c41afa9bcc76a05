import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../../testing/test-app.js';

describe('POST /api/v1/enrolment/bulk', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('an admin gets N enrolled homes with their passwords once; each password verifies', async () => {
    t = await testApp();
    const admin = await t.userWithToken('admin');
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/enrolment/bulk',
      headers: admin.auth,
      payload: { homes: 2, label: 'Load', region: 'Zuid' },
    });
    expect(r.statusCode).toBe(201);
    const body = r.json() as { mqtt: { urls: string[] }; homes: Array<Record<string, string>> };
    expect(body.mqtt.urls.length).toBeGreaterThan(0);
    expect(body.homes).toHaveLength(2);
    for (const h of body.homes) {
      const hash = await t.app.baken.repos.gateways.mqttPasswordHash(h['gatewayId']!);
      // the keyed hash the broker checks at once (auth/machine-credentials.ts), not scrypt
      expect(await t.app.baken.machineCredentials.verify(h['password']!, hash!)).toEqual({
        ok: true,
        rehash: null,
      });
      expect((await t.app.baken.repos.clients.getHome(h['homeId']!))?.region).toBe('Zuid');
    }
  });

  it('only admins; at most 50 homes per call', async () => {
    t = await testApp();
    const tech = await t.userWithToken('technician');
    const admin = await t.userWithToken('admin');
    const call = (headers: Record<string, string>, homes: number) =>
      t!.app.inject({ method: 'POST', url: '/api/v1/enrolment/bulk', headers, payload: { homes } });
    expect((await call(tech.auth, 1)).statusCode).toBe(403);
    const tooMany = await call(admin.auth, 51);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.code).toMatch(/^BAKEN_ERR_/);
  });
});
