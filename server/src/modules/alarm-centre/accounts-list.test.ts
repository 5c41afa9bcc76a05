import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Dc09TestApp, dc09TestApp, KEY_HEX } from './test-support.js';

let t: Dc09TestApp;
beforeEach(async () => {
  t = await dc09TestApp();
});
afterEach(() => t.close());

describe('GET /api/v1/alarm-centre/accounts', () => {
  it("lists every home's account with its receivers, and never a key", async () => {
    const a = await t.newHome('Dorpsstraat 1');
    const b = await t.newHome('Kerkstraat 2');
    const receivers = [{ host: '127.0.0.1', port: 9000, transport: 'tcp' }];
    await t.call('PUT', `/api/v1/homes/${a}/alarm-centre`, { account: '1234', key: KEY_HEX, receivers });
    await t.call('PUT', `/api/v1/homes/${b}/alarm-centre`, { account: 'ABCD', receivers });
    const r = await t.call<Array<Record<string, unknown>>>('GET', '/api/v1/alarm-centre/accounts');
    expect(r.status).toBe(200);
    // both made at the same (manual) time: the list's order between them is the ids'
    const rows = r.body.map((x) => [x['homeId'], x['account'], x['keyBits']]);
    expect(rows.toSorted((x, y) => String(x[1]).localeCompare(String(y[1])))).toEqual([
      [a, '1234', 128],
      [b, 'ABCD', null],
    ]);
    expect(r.body.find((x) => x['account'] === '1234')).toMatchObject({
      receivers: [{ host: '127.0.0.1', port: 9000, transport: 'tcp', priority: 0 }],
    });
    expect(JSON.stringify(r.body)).not.toContain(KEY_HEX);
  });

  it('is not for care workers', async () => {
    const worker = await t.userWithToken('care_worker');
    const r = await t.app.inject({ url: '/api/v1/alarm-centre/accounts', headers: worker.auth });
    expect(r.statusCode).toBe(403);
  });
});
