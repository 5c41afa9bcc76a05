import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password.js';
import { type TestApp, testApp } from '../testing/test-app.js';
import { ApiClient } from './api-client.js';
import { notAvailable } from './components.js';

let t: TestApp;
let admin: { authorization: string };
let homeId: string;
let clientHomeId: string;
let clientAuth: { authorization: string };

const page = (url: string, headers: Record<string, string> = admin) => t.app.inject({ url, headers });

beforeAll(async () => {
  t = await testApp();
  admin = (await t.userWithToken('admin')).auth;
  const post = async (url: string, payload: Record<string, unknown>) => {
    const r = await t.app.inject({ method: 'POST', url, headers: admin, payload });
    expect(r.statusCode).toBe(201);
    return r.json() as { id: string };
  };
  const c1 = await post('/api/v1/clients', { name: 'A' });
  homeId = (
    await post('/api/v1/homes', {
      clientId: c1.id,
      address: '<img src=x onerror=alert(1)> Laan 1',
      region: 'Noord',
    })
  ).id;
  const c2 = await post('/api/v1/clients', { name: 'B' });
  clientHomeId = (await post('/api/v1/homes', { clientId: c2.id, address: 'Dorpsstraat 9' })).id;
  clientAuth = (await t.userWithToken('client', { clientId: c2.id })).auth;
  // A gateway per home, provisioned over the real API but never heard from.
  for (const [i, h] of [homeId, clientHomeId].entries()) {
    const tok = await post(`/api/v1/homes/${h}/enrolment-tokens`, {});
    const p = await t.app.inject({
      method: 'POST',
      url: '/api/v1/provision',
      payload: {
        token: (tok as unknown as { token: string }).token,
        hardwareId: `hw-${i}`,
        software: '0.1.0',
      },
    });
    expect(p.statusCode).toBe(200);
  }
});
afterAll(() => t?.close());

describe('dashboard pages', () => {
  it('sends anonymous visitors to the login page and back after', async () => {
    const r = await t.app.inject({ url: '/app/fleet' });
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe('/login?next=%2Fapp%2Ffleet');
    const partial = await t.app.inject({ url: '/app/fleet?partial=1' });
    expect(partial.statusCode).toBe(401);
    const login = await t.app.inject({ url: '/login' });
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('id="login-form"');
  });

  it('sets the security headers and uses no inline script or style', async () => {
    const r = await page('/app/fleet');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(r.body).not.toMatch(/<[^>]*\s(style|on[a-z]+)=|<style/i);
    // The JSON API keeps its own headers.
    const api = await t.app.inject({ url: '/api/v1/homes', headers: admin });
    expect(api.headers['content-security-policy']).toBeUndefined();
  });

  it('escapes addresses entered by users', async () => {
    const r = await page(`/app/homes/${homeId}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toContain('<img src=x');
    expect(r.body).toContain('&lt;img src=x onerror=alert(1)&gt; Laan 1');
  });

  it('tells a missing API route from a missing record, and renders an honest notice for each', async () => {
    const api = new ApiClient(t.app, { headers: admin } as unknown as FastifyRequest);
    const route = await api.get('/api/v1/not-built-yet');
    expect(route).toMatchObject({ ok: false, status: 404, missing: true });
    expect(notAvailable('fleet summary', route).value).toContain(
      '<strong>Not available:</strong> fleet summary — this server does not provide it yet.',
    );
    const record = await api.get('/api/v1/homes/no-such-home');
    expect(record).toMatchObject({ ok: false, status: 404, missing: false });
    expect(notAvailable('this home', record).value).toContain('Could not load this home:');
    const ok = await api.get('/api/v1/homes', { limit: 1 });
    expect(ok.ok && Array.isArray(ok.data) && ok.data.length).toBe(1);
  });

  it('lists every home with a gateway on the fleet overview, never claiming a state it was not told', async () => {
    const fleet = await page('/app/fleet');
    expect(fleet.body).toContain(`/app/homes/${homeId}`);
    expect(fleet.body).toContain(`/app/homes/${clientHomeId}`);
    expect(fleet.body).toContain('1–2 van');
    // No heartbeat was ever received: nothing may show as online.
    expect(fleet.body).not.toContain('state-online');
    expect(fleet.body).toContain('state-unknown');
  });

  it('paginates and filters the fleet list server-side', async () => {
    const r = await page('/app/fleet?region=Noord');
    expect(r.body).toContain(`/app/homes/${homeId}`);
    expect(r.body).not.toContain(`/app/homes/${clientHomeId}`);
    const far = await page('/app/fleet?offset=500');
    expect(far.body).toContain('Niets voldoet aan dit filter.');
    expect(far.body).toContain('← Vorige');
  });

  it('answers only the live region for ?partial=1', async () => {
    const r = await page('/app/fleet?partial=1');
    expect(r.statusCode).toBe(200);
    expect(r.body.startsWith('<div id="live-region"')).toBe(true);
    expect(r.body).toMatch(/data-updated-at="\d+"/);
    expect(r.body).not.toContain('<html');
  });

  it('lets a client see only their own home', async () => {
    const own = await page(`/app/homes/${clientHomeId}`, clientAuth);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Dorpsstraat 9');
    const other = await page(`/app/homes/${homeId}`, clientAuth);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('Laan 1');
    const fleet = await page('/app/fleet', clientAuth);
    expect(fleet.statusCode).toBe(302);
    expect(fleet.headers.location).toBe('/app/my-home');
    const mine = await page('/app/my-home', clientAuth);
    expect(mine.body).toContain('Dorpsstraat 9');
  });

  it('refuses staff pages to roles without access', async () => {
    const care = (await t.userWithToken('care_worker')).auth;
    const r = await page('/app/reports', care);
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('Met uw rol (Zorgverlener) kunt u deze pagina niet openen.');
    const tech = (await t.userWithToken('technician')).auth;
    expect((await page('/app/fleet', tech)).statusCode).toBe(200);
    expect((await page('/app/alarms', tech)).statusCode).toBe(403);
    // Care workers get the inbox (the API shows them only alarms assigned to them).
    expect((await page('/app/alarms', care)).statusCode).toBe(200);
  });

  it('serves its assets from memory and nothing else', async () => {
    const css = await t.app.inject({ url: '/assets/style.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    const js = await t.app.inject({ url: '/assets/app.js' });
    expect(js.headers['content-type']).toContain('text/javascript');
    expect((await t.app.inject({ url: '/assets/..%2Fhtml.ts' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/assets/nope.js' })).statusCode).toBe(404);
  });

  it('puts the CSRF token in the page for cookie sessions only', async () => {
    await t.app.baken.repos.users.create(
      { username: 'mon', displayName: 'Mon', role: 'monitor', passwordHash: await hashPassword('pw-123456') },
      t.clock.now(),
    );
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'mon', password: 'pw-123456' },
    });
    const cookie = `baken_session=${login.cookies[0]!.value}`;
    const r = await t.app.inject({ url: '/app/alarms', headers: { cookie } });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain(`<meta name="baken-csrf" content="${login.json().csrfToken}">`);
    expect((await t.app.inject({ url: '/', headers: { cookie } })).headers.location).toBe('/app/fleet');
    expect((await t.app.inject({ url: '/login', headers: { cookie } })).headers.location).toBe('/');
  });
});
