import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import type { Gateway } from '@baken/gateway';
import { until } from '@baken/gateway/testing/test-broker';
import { MockClock, type MockSerialWire } from '@baken/hardware';
import { type RunningServer, startServer } from '@baken/server';
import { createLogger } from '@baken/server/logger';
import { testConfig } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSerialHomeUnit } from './support/serial-home-unit.js';

const SERIAL = 'KS-E2E-ACCESS-1';
const KEY = new Uint8Array(32).map((_, i) => (i * 11 + 5) & 0xff);
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 }));
const wait = (cond: () => boolean, what: string) => until(cond, what, AbortSignal.timeout(15_000));
const waitAsync = async (cond: () => Promise<boolean>, what: string) => {
  const signal = AbortSignal.timeout(15_000);
  while (!(await cond())) {
    if (signal.aborted) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

/**
 * The real path: server (embedded aedes) → MQTT → the real gateway with its key-safe
 * bridge → a mock serial cable → the device-sim key safe, and back (cmd/res, events, acks). The key
 * safe runs on its own mock clock (its RTC), so the offline window can be stepped past.
 */
describe('access end to end: server → MQTT → gateway → serial → simulated key safe', () => {
  let s: RunningServer;
  let gw: Gateway | undefined;
  let dir: string;
  const hw = new MockClock({ epochMs: Date.now() });
  let safe: KeySafe;
  let wire: MockSerialWire;
  let admin: { authorization: string };
  let worker: { id: string; auth: { authorization: string } };
  let homeId: string;
  let clientId: string;
  let deviceId: string;
  let gatewayId: string;

  const api = async (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    payload?: unknown,
    auth = admin,
  ) => {
    const r = await s.app.inject({
      method,
      url,
      headers: auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: r.statusCode, body: r.json() };
  };
  const keysafe = async () => (await api('GET', '/api/v1/access/keysafes')).body[0];
  /** The care worker asks for a code at the home. */
  const requestCode = (body: { situation: string; alarmId?: string }) =>
    api('POST', '/api/v1/access/requests', { homeId, ...body }, worker.auth);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-access-e2e-'));
    s = await startServer({ config: testConfig(), logger: createLogger('silent') });
    const ctx = s.app.baken;
    const mkUser = async (role: 'admin' | 'care_worker' | 'client', extra: { clientId?: string } = {}) => {
      const u = await ctx.repos.users.create(
        {
          username: `${role}-${Math.random().toString(36).slice(2, 8)}`,
          displayName: `${role} person`,
          role,
          passwordHash: 'x',
          clientId: extra.clientId ?? null,
        },
        Date.now(),
      );
      const { token } = await ctx.auth.createApiToken(u.id, 'e2e', null);
      return { id: u.id, auth: { authorization: `Bearer ${token}` } };
    };
    admin = (await mkUser('admin')).auth;
    const c = await api('POST', '/api/v1/clients', { name: 'Mrs. Bakker' });
    clientId = c.body.id;
    homeId = (await api('POST', '/api/v1/homes', { clientId, address: 'Kerkstraat 3' })).body.id;
    const tok = await api('POST', `/api/v1/homes/${homeId}/enrolment-tokens`);
    const prov = await s.app.inject({
      method: 'POST',
      url: '/api/v1/provision',
      payload: { token: tok.body.token, hardwareId: 'GW-E2E-ACCESS', software: '0.1.0' },
    });
    const creds = prov.json();
    gatewayId = creds.gatewayId;
    const dev = await api('POST', '/api/v1/devices', {
      serial: SERIAL,
      type: 'keysafe',
      status: 'installed',
      homeId,
    });
    expect(dev.status).toBe(201);
    deviceId = dev.body.id;
    ctx.db.prepare('UPDATE devices SET gateway_id = ? WHERE id = ?').run(creds.gatewayId, deviceId);
    // factory provisioning: the key safe's K is imported on the server, never returned by any API
    await s.app.access.setup.keys.importKey(deviceId, SERIAL, KEY, Date.now());

    const fn = await api('POST', '/api/v1/access/functions', {
      name: 'alarm responder',
      windows: { alarm: allWeek, planned_care: allWeek },
    });
    const team = await api('POST', '/api/v1/access/teams', { name: 'Team Oost', id: 'team-oost' });
    worker = await mkUser('care_worker');
    await api('PATCH', `/api/v1/access/teams/${team.body.id}`, {
      clientIds: [clientId],
      memberIds: [worker.id],
    });
    await api('PUT', `/api/v1/access/employees/${worker.id}/functions`, { functionIds: [fn.body.id] });
    await api('POST', `/api/v1/access/employees/${worker.id}/declarations`, {
      signedAt: Date.now() - 1000,
      documentRef: 'VOG+decl-2026.pdf',
    });

    safe = new KeySafe({ serial: SERIAL, key: KEY, clock: hw, nv: new MemoryNvStore() });
    ({ gw, wire } = await startSerialHomeUnit({
      safe,
      serial: SERIAL,
      dataDir: dir,
      serverUrl: s.url,
      mqttUrl: s.mqttUrl,
      creds,
    }));
    await waitAsync(async () => (await keysafe())?.online === true, 'home unit online at the server');
    await wait(() => gw?.devices.get(SERIAL)?.link === 'up', 'key safe link up');
    const p = await api('POST', `/api/v1/access/keysafes/${deviceId}/provision`);
    expect(p.status).toBe(202);
    await waitAsync(async () => (await keysafe())?.offlineKeyDelivered === true, 'offline key delivered');
    // the bridge reads the key safe's audit at link-up; the server verified it with K
    await waitAsync(async () => ((await keysafe())?.auditAnchorSeq ?? 0) >= 1, 'device audit reconciled');
    const alerts = (await api('GET', '/api/v1/access/alerts')).body.alerts as Array<{ kind: string }>;
    expect(alerts.filter((a) => a.kind.startsWith('device_audit'))).toEqual([]);
  });

  afterAll(async () => {
    await gw?.stop();
    safe?.powerOff();
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an alarm, a release pushed to the key safe, the door opens with the code, the client view shows who and when', async () => {
    const alarmId = 'alarm-e2e-1';
    const now = Date.now();
    s.app.baken.db
      .prepare(
        `INSERT INTO alarms (id, event_id, gateway_id, home_id, device_id, kind, state, raised_at, created_at, assigned_team_id, assigned_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        alarmId,
        'ev-e2e-1',
        gatewayId,
        homeId,
        'pendant-x',
        'alarm',
        'assigned',
        now,
        now,
        'team-oost',
        now,
      );
    const rel = await requestCode({ situation: 'alarm', alarmId });
    expect(rel.status).toBe(201);
    // handed out only once the key safe has it
    expect(rel.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
    expect(
      (await api('GET', `/api/v1/access/releases/${rel.body.releaseId}`, undefined, worker.auth)).body,
    ).toMatchObject({ delivery: 'ok' });
    expect(safe.enterCode(rel.body.code)).toBe('accepted');
    safe.openDoor();
    const client = (
      await s.app.baken.repos.users.create(
        { username: 'client-e2e', displayName: 'Mrs. Bakker', role: 'client', passwordHash: 'x', clientId },
        Date.now(),
      )
    ).id;
    const { token } = await s.app.baken.auth.createApiToken(client, 'e2e', null);
    const clientAuth = { authorization: `Bearer ${token}` };
    await waitAsync(
      async () =>
        (await api('GET', `/api/v1/homes/${homeId}/access-log`, undefined, clientAuth)).body.entries?.[0]
          ?.enteredAt != null,
      'opening reported back through the gateway',
    );
    const log = await api('GET', `/api/v1/homes/${homeId}/access-log`, undefined, clientAuth);
    expect(log.body.entries[0]).toMatchObject({
      who: 'care_worker person',
      situation: 'alarm',
      how: 'one-time code',
    });
    safe.closeDoor();
  });

  it("key safe's cable unplugged while the home unit stays online: the worker gets an offline code that opens the safe", async () => {
    wire.unplug();
    await wait(() => gw?.devices.get(SERIAL)?.link !== 'up', 'key safe link down at the home unit');
    expect((await keysafe())?.online).toBe(true);
    hw.advance(Math.max(0, Date.now() - hw.now()));
    const rel = await requestCode({ situation: 'planned_care' });
    expect(rel.status).toBe(201);
    // no PIN the key safe does not know: the gateway's LINK_DOWN answer turned it into an offline code
    expect(rel.body).toMatchObject({ mode: 'offline_window', delivery: 'offline' });
    const fallback = s.app.baken.db
      .prepare("SELECT details FROM audit_log WHERE action = 'access.fallback_offline'")
      .all() as Array<{ details: string }>;
    expect(fallback.map((f) => JSON.parse(f.details))).toEqual([
      expect.objectContaining({ reason: 'failed', detail: 'BAKEN_ERR_KEYSAFE_LINK_DOWN' }),
    ]);
    expect(safe.enterCode(rel.body.code)).toBe('accepted');
    safe.openDoor();
    safe.closeDoor();
    wire.replug();
  });

  it('home unit offline: the offline code opens inside its window, a second use is refused, and not after it', async () => {
    await gw?.stop();
    gw = undefined;
    await waitAsync(async () => (await keysafe())?.online === false, 'home unit offline at the server');
    hw.advance(Math.max(0, Date.now() - hw.now()));
    const a = await requestCode({ situation: 'planned_care' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ mode: 'offline_window', delivery: 'offline' });
    const b = await requestCode({ situation: 'planned_care' });
    expect(safe.enterCode(a.body.code)).toBe('accepted');
    expect(safe.enterCode(a.body.code)).toBe('rejected');
    hw.advance(b.body.validUntil - hw.now() + 1000);
    expect(safe.enterCode(b.body.code)).toBe('rejected');
  });
});
