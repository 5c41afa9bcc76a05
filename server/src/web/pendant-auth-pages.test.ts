import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/test-app.js';

let t: TestApp;
let admin: { authorization: string };
let homeId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  // Checks read English; the Dutch pages are checked in untranslated.test.ts.
  t = await testApp({ i18n: { locale: 'en', timeZone: 'Europe/Amsterdam' } });
  admin = (await t.userWithToken('admin')).auth;
  const call = async (method: 'POST' | 'PUT', url: string, payload: Record<string, unknown>) => {
    const r = await t.app.inject({ method, url, headers: admin, payload });
    expect(r.statusCode).toBeLessThan(300);
    return r.json() as { id: string };
  };
  const c = await call('POST', '/api/v1/clients', { name: 'A' });
  homeId = (await call('POST', '/api/v1/homes', { clientId: c.id, address: 'Laan 1' })).id;
  for (const serial of ['PEN-PLAIN', 'PEN-ENC'])
    ids[serial] = (await call('POST', '/api/v1/devices', { serial, type: 'pendant', homeId })).id;
  await call('PUT', `/api/v1/devices/${ids['PEN-PLAIN']}/pairing`, {
    address: 'C0:FF:EE:00:00:31',
    format: 'bthome',
  });
  await call('PUT', `/api/v1/devices/${ids['PEN-ENC']}/pairing`, {
    address: 'C0:FF:EE:00:00:32',
    format: 'bthome',
    keyHex: '00112233445566778899aabbccddeeff',
  });
});
afterAll(() => t?.close());

describe('pendant authentication in the dashboard [PENDANT SPEC §5.1]', () => {
  it('the pendant page says whether the pendant is authenticated, and what to do when not', async () => {
    const plain = await t.app.inject({ url: `/app/devices/${ids['PEN-PLAIN']}`, headers: admin });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toContain('not authenticated');
    expect(plain.body).toContain('can be forged');
    const enc = await t.app.inject({ url: `/app/devices/${ids['PEN-ENC']}`, headers: admin });
    expect(enc.body).toMatch(/>authenticated<\/span> \(encrypted BTHome\)/);
    expect(enc.body).not.toContain('00112233445566778899aabbccddeeff');
  });

  it('the home page marks each pendant authenticated or not', async () => {
    const r = await t.app.inject({ url: `/app/homes/${homeId}`, headers: admin });
    expect(r.statusCode).toBe(200);
    const row = (serial: string) => r.body.slice(r.body.indexOf(`>${serial}</a>`)).split('</tr>')[0] ?? '';
    expect(row('PEN-PLAIN')).toContain('not authenticated');
    expect(row('PEN-ENC')).toContain('>authenticated</span>');
  });

  it("a home's unverified-cancel policy defaults to refuse; only an admin changes it", async () => {
    const url = `/api/v1/homes/${homeId}/alarm-policy`;
    const monitor = (await t.userWithToken('monitor')).auth;
    const get = await t.app.inject({ url, headers: monitor });
    expect(get.json()).toMatchObject({ homeId, unverifiedCancel: 'refuse', updatedAt: null });
    const denied = await t.app.inject({
      method: 'PUT',
      url,
      headers: monitor,
      payload: { unverifiedCancel: 'confirm' },
    });
    expect(denied.statusCode).toBe(403);
    const set = await t.app.inject({
      method: 'PUT',
      url,
      headers: admin,
      payload: { unverifiedCancel: 'confirm' },
    });
    expect(set.json()).toMatchObject({ unverifiedCancel: 'confirm' });
    const bad = await t.app.inject({
      method: 'PUT',
      url,
      headers: admin,
      payload: { unverifiedCancel: 'ignore' },
    });
    expect(bad.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/homes/nope/alarm-policy', headers: admin })).statusCode).toBe(
      404,
    );
  });
});
