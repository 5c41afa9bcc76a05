import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import type { Gateway } from '@baken/gateway';
import { runInstallationCheck } from '@baken/gateway/check/installation-check';
import { serverTrialCodes } from '@baken/gateway/check/trial-code';
import { until } from '@baken/gateway/testing/test-broker';
import { MockClock, SystemClock } from '@baken/hardware';
import { ksInstallationCode } from '@baken/protocols';
import { type RunningServer, startServer } from '@baken/server';
import { createLogger } from '@baken/server/logger';
import { testConfig } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSerialHomeUnit } from './support/serial-home-unit.js';

const SERIAL = 'KS-E2E-PAIR-1';
/** The installation secret written at the factory; its code is printed inside the door. */
const SECRET = new Uint8Array(16).map((_, i) => (i * 29 + 7) & 0xff);
const waitAsync = async (cond: () => Promise<boolean>, what: string) => {
  const signal = AbortSignal.timeout(15_000);
  while (!(await cond())) {
    if (signal.aborted) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/**
 * A key safe that left the factory without a key, end to end (KS-SERIAL §8.8, REQUIREMENTS §8.5): the
 * installer presses the pairing button and sends the installation code to the server, which delivers
 * the key through MQTT, the real gateway and the serial cable; then `check` asks the server for a trial
 * code over HTTP with the technician's token, and the trial opening passes.
 */
describe('pairing a new key safe and its trial opening: server → MQTT → gateway → serial → key safe', () => {
  let s: RunningServer;
  let gw: Gateway | undefined;
  let dir: string;
  let safe: KeySafe;
  let deviceId: string;
  let admin: { authorization: string };
  let techToken: string;
  const hw = new MockClock({ epochMs: Date.now() });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-pair-e2e-'));
    s = await startServer({ config: testConfig(), logger: createLogger('silent') });
    const ctx = s.app.baken;
    const mkUser = async (role: 'admin' | 'technician') => {
      const u = await ctx.repos.users.create(
        { username: `${role}-pair`, displayName: `${role} person`, role, passwordHash: 'x', clientId: null },
        Date.now(),
      );
      return (await ctx.auth.createApiToken(u.id, 'e2e', null)).token;
    };
    admin = { authorization: `Bearer ${await mkUser('admin')}` };
    techToken = await mkUser('technician');
    const api = async (url: string, payload: object) =>
      (await s.app.inject({ method: 'POST', url, headers: admin, payload })).json();
    const clientId = (await api('/api/v1/clients', { name: 'Mr. Smit' })).id;
    const homeId = (await api('/api/v1/homes', { clientId, address: 'Molenweg 8' })).id;
    const tok = await api(`/api/v1/homes/${homeId}/enrolment-tokens`, {});
    const creds = (
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/provision',
        payload: { token: tok.token, hardwareId: 'GW-E2E-PAIR', software: '0.1.0' },
      })
    ).json();
    deviceId = (
      await api('/api/v1/devices', { serial: SERIAL, type: 'keysafe', status: 'installed', homeId })
    ).id;
    ctx.db.prepare('UPDATE devices SET gateway_id = ? WHERE id = ?').run(creds.gatewayId, deviceId);

    safe = new KeySafe({ serial: SERIAL, installSecret: SECRET, clock: hw, nv: new MemoryNvStore() });
    ({ gw } = await startSerialHomeUnit({
      safe,
      serial: SERIAL,
      dataDir: dir,
      serverUrl: s.url,
      mqttUrl: s.mqttUrl,
      creds,
    }));
    const keysafe = async () =>
      (await s.app.inject({ url: '/api/v1/access/keysafes', headers: admin })).json()[0] as Record<
        string,
        unknown
      >;
    await waitAsync(async () => (await keysafe())['online'] === true, 'home unit online');
    await until(
      () => gw?.devices.get(SERIAL)?.link === 'up',
      'key safe link up',
      AbortSignal.timeout(15_000),
    );
  });

  afterAll(async () => {
    await gw?.stop();
    safe?.powerOff();
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the installation code and the pairing button give the safe its key; check gets a trial code and passes the trial opening', async () => {
    const install = (installationCode: string) =>
      s.app.inject({
        method: 'POST',
        url: `/api/v1/access/keysafes/${deviceId}/key-install`,
        headers: admin,
        payload: { installationCode },
      });
    // without the button the safe refuses (the home unit alone cannot install a key)
    expect((await install(ksInstallationCode(SECRET))).statusCode).toBe(409);
    safe.pressPairingButton();
    const k = await install(ksInstallationCode(SECRET).toUpperCase());
    expect(k.statusCode).toBe(202);
    await waitAsync(
      async () =>
        (await s.app.inject({ url: '/api/v1/access/keysafes', headers: admin })).json()[0]
          .offlineKeyDelivered === true,
      'offline-code key delivered under the new key',
    );

    const prompts: string[] = [];
    const report = await runInstallationCheck({
      gateway: gw!,
      clock: new SystemClock(),
      brokerUrl: s.mqttUrl,
      windowMs: 8_000,
      trialCode: serverTrialCodes(s.url, techToken),
      prompt: (text) => {
        prompts.push(text);
        const code = /type (\d{4}) (\d{4}) on key safe/.exec(text);
        if (code) {
          expect(safe.enterCode(`${code[1]}${code[2]}`)).toBe('accepted');
          safe.openDoor();
        }
      },
    });
    expect(prompts.join('')).not.toContain(techToken);
    expect(report.steps.find((st) => st.name === 'trial_opening')).toEqual({
      name: 'trial_opening',
      passed: true,
      detail: `${SERIAL}: door opened with the trial code and reported`,
    });
    safe.closeDoor();
    // the server credits the opening to the installer's trial code, not to nobody
    await waitAsync(async () => {
      const rows = s.app.baken.db
        .prepare("SELECT details FROM audit_log WHERE action = 'keysafe.code_accepted'")
        .all() as Array<{ details: string }>;
      return rows.some((r) => (JSON.parse(r.details) as { trial?: boolean }).trial === true);
    }, 'trial opening recorded');
    const alerts = (await s.app.inject({ url: '/api/v1/access/alerts?open=true', headers: admin })).json()
      .alerts;
    expect(
      alerts.filter(
        (a: { kind: string }) => a.kind === 'opening_without_release' || a.kind.startsWith('device_audit'),
      ),
    ).toEqual([]);
  });
});
