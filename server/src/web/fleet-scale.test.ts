import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/test-app.js';

// Comparable frontends are reported to freeze past ~120 devices. The fleet page must cost one page
// of rows whatever the fleet size. Volume is seeded through the repositories (the API's rate limits
// on provisioning are not what this test is about).
const HOMES = 1500;

let t: TestApp;
let admin: { authorization: string };

beforeAll(async () => {
  t = await testApp();
  admin = (await t.userWithToken('monitor')).auth;
  const { repos } = t.app.baken;
  const now = t.clock.now();
  const client = await repos.clients.createClient({ name: 'Bulk', contacts: [] }, now);
  for (let i = 0; i < HOMES; i++) {
    const home = await repos.clients.createHome(
      { clientId: client.id, address: `Straat ${i}`, region: i % 2 === 0 ? 'Noord' : 'Zuid' },
      now,
    );
    await repos.gateways.create({
      id: `gw-${randomUUID().slice(0, 12)}`,
      homeId: home.id,
      serial: null,
      createdAt: now,
      revokedAt: null,
      mqttPasswordHash: 'x',
    });
  }
}, 60_000);
afterAll(() => t?.close());

describe('fleet overview at scale', () => {
  it(`renders one page of 50 rows out of ${HOMES} homes, with a next link`, async () => {
    const started = performance.now();
    const r = await t.app.inject({ url: '/app/fleet', headers: admin });
    const tookMs = performance.now() - started;
    expect(r.statusCode).toBe(200);
    const rows = r.body.match(/<tr data-(gateway|home)-id=/g) ?? [];
    expect(rows).toHaveLength(50);
    expect(r.body).toContain('1–50 van 1500 getoond');
    expect(r.body).toContain('Volgende →');
    // Generous bound: the page must not grow with the fleet (it took ~100 ms when written).
    expect(tookMs).toBeLessThan(3000);
  });

  it('pages and filters on the server', async () => {
    const r = await t.app.inject({ url: '/app/fleet?region=Zuid&offset=700', headers: admin });
    const rows = r.body.match(/<tr data-(gateway|home)-id=/g) ?? [];
    expect(rows).toHaveLength(50);
    expect(r.body).toContain('701–750 van');
    expect(r.body).toContain('← Vorige');
    expect(r.body).not.toMatch(/>Straat \d*[02468]</);
  });
});
