import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoControl } from '@baken/device-sim/demo/control';
import { startDemoHome } from '@baken/device-sim/demo/demo-home';
import { parseDemoArgs } from '@baken/device-sim/demo/demo-options';
import { demoPress } from '@baken/device-sim/demo/demo-press';
import { seedDemo } from '@baken/device-sim/demo/seed-demo';
import { SystemClock } from '@baken/hardware';
import { startServer } from '@baken/server';
import { testConfig } from '@baken/server/testing/test-app';
import { afterEach, describe, expect, it } from 'vitest';

describe('demo options', () => {
  it('reads flags and environment, and names the flag in errors', () => {
    expect(parseDemoArgs(['--port', '0', '--transports', 'mock'], { BAKEN_DATA_DIR: '/d' })).toMatchObject({
      dataDir: '/d',
      httpPort: 0,
      mqttPort: 1883,
      transports: 'mock',
    });
    expect(() => parseDemoArgs(['--port', 'x'], {})).toThrow(/--port/);
    expect(() => parseDemoArgs(['--transports', 'radio'], {})).toThrow(/--transports/);
    expect(() => parseDemoArgs(['--bogus'], {})).toThrow(/unknown option '--bogus'/);
  });
});

/** `npm start` in one process: seed through the API, provision, the simulated home behind the real gateway. */
describe('demo home', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  });

  it('comes online, gets the pendant key from the server; a press becomes an alarm, the team gets in with a one-time code, the client sees who', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-demo-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({ config: testConfig() });
    cleanups.push(() => server.close());
    const { state, logins } = await seedDemo(server);
    expect(logins.map((l) => l.username)).toEqual(['anna', 'devries']);
    const home = await startDemoHome({
      state,
      mqttUrl: server.mqttUrl,
      dataDir: join(dir, 'gateway'),
      clock: new SystemClock(),
      transports: 'mock',
      logLevel: 'silent',
    });
    cleanups.push(() => home.stop());
    const admin = (await server.app.baken.repos.users.list()).find((u) => u.role === 'admin')!;
    const { token } = await server.app.baken.auth.createApiToken(admin.id, 'test', null);
    const get = async (url: string) =>
      (await server.app.inject({ url, headers: { authorization: `Bearer ${token}` } })).json();
    const until = async (what: string, ok: () => Promise<boolean>) => {
      for (let i = 0; i < 300; i++) {
        if (await ok()) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    await until('gateway online', async () => (await get('/api/v1/fleet/summary')).gateways?.online === 1);
    // the encrypted pendant's bind key reaches the gateway only through the server's config topic
    await home.serverConfig;
    [...home.home.pendants.values()][0]!.press();
    await until('alarm in inbox', async () => (await get('/api/v1/alarms')).items?.length === 1);
    const alarm = (await get('/api/v1/alarms')).items[0];
    expect(alarm).toMatchObject({
      deviceId: 'PEN-DEMO-0001',
      kind: 'alarm',
      state: 'new',
      homeId: state.homeId,
    });

    // The care team seeded with the demo: the alarm is acknowledged and assigned to Anna's team, she
    // gets a one-time code on her phone, the key safe (behind the real gateway) accepts it, and the
    // client sees her in the access log.
    const post = async (url: string, payload: object, auth = token) =>
      server.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${auth}` }, payload });
    expect((await post(`/api/v1/alarms/${alarm.id}/ack`, {})).statusCode).toBe(200);
    const anna = (await server.app.baken.repos.users.list()).find((u) => u.username === 'anna')!;
    const assigned = await post(`/api/v1/alarms/${alarm.id}/assign`, {
      teamId: 'team-utrecht-oost',
      userId: anna.id,
    });
    expect(assigned.statusCode).toBe(200);
    await until('key safe link up', async () => home.gateway.devices.get('KS-SIM-0001')?.link === 'up');
    // the seed queued the offline-code key: the key safe confirms it once the home unit is online
    await until('offline-code key delivered', async () =>
      (
        (await get('/api/v1/access/keysafes')) as Array<{ serial: string; offlineKeyDelivered: boolean }>
      ).some((k) => k.serial === 'KS-SIM-0001' && k.offlineKeyDelivered),
    );
    const annaToken = (await server.app.baken.auth.createApiToken(anna.id, 'phone', null)).token;
    const release = await post(
      '/api/v1/access/requests',
      { homeId: state.homeId, situation: 'alarm', alarmId: alarm.id },
      annaToken,
    );
    expect(release.statusCode).toBe(201);
    const { code, releaseId } = release.json();
    await until('code delivered to the key safe', async () => {
      const r = await server.app.inject({
        url: `/api/v1/access/releases/${releaseId}`,
        headers: { authorization: `Bearer ${annaToken}` },
      });
      return r.json().delivery === 'ok';
    });
    // Anna types the code as her phone shows it: `npm run demo:code -- "0773 5652"`.
    const control = await startDemoControl(home.home);
    cleanups.push(async () => void control.server.close());
    mkdirSync(join(dir, 'demo'), { recursive: true });
    writeFileSync(join(dir, 'demo', 'control.json'), JSON.stringify(control.info));
    const said: string[] = [];
    const typed = `${code.slice(0, 4)} ${code.slice(4)}`;
    const io = { out: (t: string) => said.push(t), err: (t: string) => said.push(t) };
    expect(await demoPress(['code', typed, '--data', dir], {}, io)).toBe(0);
    expect(said.join('')).toContain('code accepted, door opened');
    // used once: the same code again is refused, and demo:code says so with a non-zero exit
    expect(await demoPress(['code', typed, '--data', dir], {}, io)).toBe(1);
    const client = (await server.app.baken.repos.users.list()).find((u) => u.username === 'devries')!;
    const clientToken = (await server.app.baken.auth.createApiToken(client.id, 'tablet', null)).token;
    const log = async () =>
      (
        await server.app.inject({
          url: `/api/v1/homes/${state.homeId}/access-log`,
          headers: { authorization: `Bearer ${clientToken}` },
        })
      ).json();
    await until('opening in the client view', async () => (await log()).entries?.[0]?.enteredAt != null);
    expect((await log()).entries[0]).toMatchObject({
      who: 'Anna de Boer',
      situation: 'alarm',
      how: 'one-time code',
    });
  });
});
