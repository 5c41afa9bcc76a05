import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoHome } from '@baken/device-sim/demo/demo-home';
import { parseDemoArgs } from '@baken/device-sim/demo/demo-options';
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

  it('comes online on the dashboard API, gets the pendant key from the server, and a press becomes an alarm in the inbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-demo-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({ config: testConfig() });
    cleanups.push(() => server.close());
    const state = await seedDemo(server);
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
  });
});
