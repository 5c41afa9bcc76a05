import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { GatewayVersionWatch } from './modules/ingest/gateway-version-watch.js';
import { type TestApp, testApp } from './testing/test-app.js';

describe('which gateways this server accepts (docs/versioning.md)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await testApp();
    admin = (await t.userWithToken('admin')).auth;
  });
  afterEach(() => t.close());

  async function enrolmentToken(): Promise<string> {
    const post = (url: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url, headers: admin, payload });
    const c = await post('/api/v1/clients', { name: 'Client' });
    const h = await post('/api/v1/homes', { clientId: c.json().id, address: 'Laan 3' });
    const tok = await t.app.inject({
      method: 'POST',
      url: `/api/v1/homes/${h.json().id}/enrolment-tokens`,
      headers: admin,
    });
    return tok.json().token as string;
  }
  const provision = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/provision', payload: { hardwareId: 'hw-1', ...payload } });

  it('refuses an unsupported gateway at provisioning with 426 and BAKEN_ERR_GATEWAY_VERSION, token unspent', async () => {
    const token = await enrolmentToken();
    const old = await provision({ token, software: '0.0.9' });
    expect(old.statusCode).toBe(426);
    expect(old.json().error.code).toBe('BAKEN_ERR_GATEWAY_VERSION');
    expect(old.json().error.message).toMatch(/0\.0\.9 is older than 0\.1\.0.*update the gateway/);
    const newer = await provision({ token, software: '3.0.0', protocol: 2 });
    expect(newer.statusCode).toBe(426);
    expect(newer.json().error.message).toMatch(/protocol v2; this server speaks v1: update the server/);
    const ok = await provision({ token, software: '0.1.0', protocol: 1 });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('a gateway without the `protocol` field (it speaks v1) is accepted', async () => {
    const ok = await provision({ token: await enrolmentToken(), software: '0.1.0' });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('GatewayVersionWatch (heartbeats of running gateways)', () => {
  it('warns once per reported unsupported version, and forgets the gateway once it is updated', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const watch = new GatewayVersionWatch(createLogger('warn', sink), {
      protocols: [1],
      minGatewayVersion: '0.2.0',
    });
    watch.observe('gw-0001', '0.1.4');
    watch.observe('gw-0001', '0.1.4');
    expect(watch.unsupported.has('gw-0001')).toBe(true);
    watch.observe('gw-0001', '0.2.1');
    expect(watch.unsupported.has('gw-0001')).toBe(false);
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({
          gatewayId: 'gw-0001',
          software: '0.1.4',
          code: 'BAKEN_ERR_GATEWAY_VERSION',
          reason: 'software_too_old',
        });
        expect(String(lines[0]!['msg'])).toMatch(/update the gateway/);
        resolve();
      }),
    );
  });
});
