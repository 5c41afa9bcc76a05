import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoHome } from '@baken/device-sim/demo/demo-home';
import { seedDemo } from '@baken/device-sim/demo/seed-demo';
import { runInstallationCheck } from '@baken/gateway/check/installation-check';
import { SystemClock } from '@baken/hardware';
import { startServer } from '@baken/server';
import { testConfig } from '@baken/server/testing/test-app';
import { afterEach, describe, expect, it } from 'vitest';

// [MQTT-MAP §4.1.1] End to end: the installation check's trial press (real gateway code, simulated
// pendant) is marked as a trial on the unit, acknowledged by the server, shown as a trial in the
// home's timeline — and never reaches the monitoring inbox as an alarm.
describe('installation check trial press, gateway to server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  });

  it('is acknowledged and shown as a trial, never raised as an alarm; a press after the check is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-check-trial-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const server = await startServer({ config: testConfig() });
    cleanups.push(() => server.close());
    const { state } = await seedDemo(server);
    const clock = new SystemClock();
    const demo = await startDemoHome({
      state,
      mqttUrl: server.mqttUrl,
      dataDir: join(dir, 'gateway'),
      clock,
      transports: 'mock',
      logLevel: 'silent',
    });
    cleanups.push(() => demo.stop());
    await demo.serverConfig;
    const pendant = [...demo.home.pendants.values()][0]!;

    const admin = (await server.app.baken.repos.users.list()).find((u) => u.role === 'admin')!;
    const { token } = await server.app.baken.auth.createApiToken(admin.id, 'test', null);
    const get = async (url: string) =>
      server.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
    const alarms = async () => ((await get('/api/v1/alarms')).json() as { items: unknown[] }).items;
    const timeline = async () =>
      (
        (await get(`/api/v1/homes/${state.homeId}/health`)).json() as {
          timeline: { kind: string; deviceKind: string; trial: boolean }[];
        }
      ).timeline.filter((t) => t.deviceKind === 'pendant' && t.kind === 'alarm');

    const report = await runInstallationCheck({
      gateway: demo.gateway,
      clock,
      brokerUrl: server.mqttUrl,
      windowMs: 4000,
      prompt: (text) => {
        if (text.includes('pendant')) pendant.press();
      },
    });
    expect(report.steps[0], JSON.stringify(report.steps)).toMatchObject({
      name: 'trial_alarm_acknowledged',
      passed: true,
      detail: expect.stringContaining('trial press (marked as a test: no alarm raised) acknowledged'),
    });
    expect(await alarms()).toEqual([]);
    expect(await timeline()).toEqual([expect.objectContaining({ trial: true })]);
    const page = await get(`/app/homes/${state.homeId}?lang=en`);
    expect(page.body).toMatch(
      /trial alarm button pressed <span class="badge">installation check, no alarm<\/span>/,
    );
    const nl = await get(`/app/homes/${state.homeId}?lang=nl`);
    expect(nl.body).toMatch(
      /proef: alarmknop ingedrukt <span class="badge">installatiecontrole, geen alarm<\/span>/,
    );

    // the check is over: the next press is an alarm to act on
    await new Promise((r) => setTimeout(r, 1500)); // past the press's repeated adverts
    pendant.press();
    for (let i = 0; i < 200 && (await alarms()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await alarms()).toHaveLength(1);
    expect((await timeline()).map((t) => t.trial).sort()).toEqual([false, true]);
  }, 60_000);
});
