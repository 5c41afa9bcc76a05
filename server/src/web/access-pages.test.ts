import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../modules/ingest/domain-events.js';
import { type TestApp, testApp } from '../testing/test-app.js';

// Access in the dashboard: access alerts on the bus and the Access page, who may enter,
// the access log, and the care worker's code page.
let t: TestApp;
let admin: { id: string; auth: { authorization: string } };
let homeId: string;
let otherHomeId: string;
let clientId: string;
let worker: { id: string; auth: { authorization: string } };
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 420, toMinute: 1320 }));

const get = (url: string, headers: Record<string, string>) => t.app.inject({ url, headers });

beforeAll(async () => {
  // Checks read English; the Dutch pages are checked in untranslated.test.ts.
  t = await testApp({ i18n: { locale: 'en', timeZone: 'Europe/Amsterdam' } });
  admin = await t.userWithToken('admin');
  const ctx = t.app.baken;
  const now = t.clock.now();
  const c = await ctx.repos.clients.createClient({ name: 'Mrs. Jansen' }, now);
  clientId = c.id;
  homeId = (
    await ctx.repos.clients.createHome({ clientId: c.id, address: 'Dorpsstraat <1>', region: 'Ede' }, now)
  ).id;
  const other = await ctx.repos.clients.createClient({ name: 'Mr. Bakker' }, now);
  otherHomeId = (await ctx.repos.clients.createHome({ clientId: other.id, address: 'Geheimlaan 7' }, now)).id;
  const m = t.app.access.setup.matrix;
  const fn = await m.createFunction({ name: 'district nurse', windows: { planned_care: allWeek } }, now);
  const team = (await m.createTeam({ name: 'Team Noord', id: 'team-noord' }, now)).id;
  worker = await t.userWithToken('care_worker', { username: 'anna' });
  await ctx.repos.users.update(worker.id, { displayName: 'Anna de Vries' }, now);
  await m.setEmployeeFunctions(worker.id, [fn.id]);
  await m.updateTeam(team, { clientIds: [c.id], memberIds: [worker.id] });
});
afterAll(() => t?.close());

describe('access alerts', () => {
  it('go on the domain bus when raised and acknowledged, and show on the Access page and fleet tile', async () => {
    const seen: DomainEvent[] = [];
    const off = t.app.ingest.bus.onAny((e) => seen.push(e));
    const alerts = t.app.access.setup.alerts;
    const a = await alerts.raise(
      'door_forced',
      'keysafe:ks-1',
      'The key safe door was <forced>',
      t.clock.now(),
      'x1',
    );
    expect(a).not.toBeNull();
    expect(await alerts.raise('door_forced', 'keysafe:ks-1', 'again', t.clock.now(), 'x1')).toBeNull();
    expect(seen.filter((e) => e.type === 'access.alert')).toEqual([
      {
        type: 'access.alert',
        body: { alertId: a!.id, kind: 'door_forced', state: 'open', at: t.clock.now() },
      },
    ]);

    const page = await get('/app/access', admin.auth);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-open-access-alerts="1"');
    expect(page.body).toContain('Door forced');
    expect(page.body).toContain('The key safe door was &lt;forced&gt;');
    expect(page.body).toContain(`data-ack-alert="${a!.id}"`);
    expect(page.body).toContain('Not yet received by the key safe');
    const fleet = await get('/app/fleet', admin.auth);
    expect(fleet.body).toMatch(/data-tile="Open access alerts"><span class="tile-value">1</);

    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access/alerts/${a!.id}/ack`,
      headers: admin.auth,
    });
    expect(ack.statusCode).toBe(200);
    expect(
      seen.filter((e) => e.type === 'access.alert').map((e) => (e.body as { state: string }).state),
    ).toEqual(['open', 'acknowledged']);
    off();
    expect((await get('/app/access', admin.auth)).body).toContain('No open access alerts.');
  });

  it('the Access page is for the alarm centre only', async () => {
    const tech = await t.userWithToken('technician');
    expect((await get('/app/access', tech.auth)).statusCode).toBe(403);
    expect((await get('/app/access', worker.auth)).statusCode).toBe(403);
    const fleet = await get('/app/fleet', tech.auth);
    expect(fleet.body).not.toContain('Open access alerts');
  });
});

describe('who may enter and the access log', () => {
  it('the home page answers who may enter, when and why, and says they cannot get a code yet', async () => {
    const r = await get(`/app/homes/${homeId}`, admin.auth);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Who may enter this home');
    expect(r.body).toContain('Anna de Vries');
    expect(r.body).toContain('Team Noord');
    expect(r.body).toContain('Every day 07:00–22:00');
    // No signed declaration recorded yet: shown, not hidden.
    expect(r.body).toContain('No signed declaration yet');
    expect(r.body).toContain('Access log');
    expect(r.body).toContain('Nobody has been given access yet.');
  });

  it("the client sees their own home's access sections and nothing of another home", async () => {
    const client = await t.userWithToken('client', { clientId });
    const mine = await get('/app/my-home', client.auth);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('Dorpsstraat &lt;1&gt;');
    expect(mine.body).toContain('Who may enter this home');
    expect(mine.body).toContain('Anna de Vries');
    const other = await get(`/app/homes/${otherHomeId}`, client.auth);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('Geheimlaan');
  });
});

describe('key safe code page', () => {
  it('is in the care worker navigation and offers planned care at the homes their team serves', async () => {
    const r = await get('/app/key-code', worker.auth);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('href="/app/key-code" aria-current="page"');
    expect(r.body).toContain(`<option value="${homeId}">Dorpsstraat &lt;1&gt;</option>`);
    expect(r.body).not.toContain('Geheimlaan');
    expect(r.body).toContain('No open alarm is assigned to you.');
    expect(r.body).toContain('src="/assets/key-code.js"');
    const asset = await t.app.inject({ url: '/assets/key-code.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toContain('/api/v1/access/requests');
  });
});
