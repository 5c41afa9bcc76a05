import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import { MockBleScanner, SystemClock } from '@baken/hardware';
import { type BthomeButtonEvent, encodeBthome } from '@baken/protocols';
import { createLogger, type RunningServer, startServer } from '@baken/server';
import { testConfig } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// [PENDANT SPEC §5] end to end: the real server (embedded broker, ingest, alarms, health) and the
// real gateway (pendant bridge, vault, outbox, uplink, heartbeat); adverts are injected at the BLE
// scanner, the only mock. Pendants are paired through the server's API, as a technician does.

const ENC = 'C0:FF:EE:00:01:01';
const PLAIN = 'C0:FF:EE:00:01:02';
const BIND_KEY = Buffer.from('5ad2a1c3e4f5061728394a5b6c7d8e9f', 'hex');

let s: RunningServer;
let auth: Record<string, string>;
let homeId: string;
let creds: { gatewayId: string; mqtt: { username: string; password: string } };
const dirs: string[] = [];

async function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: Record<string, unknown>) {
  const r = await s.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`);
  return r.json();
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

function advert(button: BthomeButtonEvent, packetId: number, counter?: number) {
  const r = encodeBthome({
    triggerBased: true,
    objects: [
      { kind: 'number', id: 0x00, name: 'packet_id', value: packetId & 0xff },
      { kind: 'button', id: 0x3a, name: 'button', event: button },
    ],
    ...(counter === undefined ? {} : { encryption: { key: BIND_KEY, address: ENC, counter } }),
  });
  if (!r.ok) throw r.error;
  return r.value;
}

function gateway(dataDir: string, mqttUrl: string): { gw: Gateway; scanner: MockBleScanner } {
  const clock = new SystemClock();
  const scanner = new MockBleScanner({ clock });
  const gw = createGateway({
    config: parseConfig({
      dataDir,
      credentialsFile: join(dataDir, 'credentials.json'),
      mqtt: { primaryUrl: mqttUrl, backoffInitialMs: 100, backoffMaxMs: 1_000 },
      heartbeat: { intervalMs: 5_000 },
      log: { level: 'silent' },
    }),
    credentials: { ...creds, server: 'test', provisionedAt: 0 },
    clock,
    logger: createLogger('silent'),
    softwareVersion: '0.1.0',
    transports: { openBleScanner: () => scanner },
  });
  return { gw, scanner };
}

const alarmsOfHome = async () =>
  (await api('GET', `/api/v1/alarms?homeId=${homeId}&limit=100`)).items as Array<Record<string, unknown>>;

beforeAll(async () => {
  s = await startServer({ config: testConfig(), logger: createLogger('silent') });
  const admin = (await s.app.baken.repos.users.list()).find((u) => u.role === 'admin')!;
  auth = { authorization: `Bearer ${(await s.app.baken.auth.createApiToken(admin.id, 'test', null)).token}` };
  const client = await api('POST', '/api/v1/clients', { name: 'Client' });
  homeId = (await api('POST', '/api/v1/homes', { clientId: client.id, address: 'Laan 5' })).id;
  const tok = await api('POST', `/api/v1/homes/${homeId}/enrolment-tokens`);
  const p = await s.app.inject({
    method: 'POST',
    url: '/api/v1/provision',
    payload: { token: tok.token, hardwareId: 'hw-pendant-auth', software: '0.1.0' },
  });
  creds = p.json();
  for (const [serial, address, keyHex] of [
    ['PEN-ENC', ENC, BIND_KEY.toString('hex')],
    ['PEN-PLAIN', PLAIN, undefined],
  ] as const) {
    const d = await api('POST', '/api/v1/devices', { serial, type: 'pendant', homeId, status: 'installed' });
    await api('PUT', `/api/v1/devices/${d.id}/pairing`, {
      address,
      format: 'bthome',
      ...(keyHex ? { keyHex } : {}),
    });
  }
});
afterAll(async () => {
  await s?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('pendant authentication end to end (real gateway + real server)', () => {
  it('forged, downgraded and replayed adverts raise no alarm but a spoofing warning; a plaintext cancel ends nothing; a restart without network still hears the encrypted pendant', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baken-pendant-auth-'));
    dirs.push(dataDir);
    const first = gateway(dataDir, s.mqttUrl);
    const configured = new Promise<void>((r) => first.gw.bus.on('server-config', () => r()));
    await first.gw.start();
    await configured;
    await until('the pendant bridge scanning', () => first.gw.devices.scan.running);

    // a phone in range: plaintext press and long press with the encrypted pendant's address
    first.scanner.emitAdvert({ address: ENC, rssi: -50, serviceData: { fcd2: advert('press', 1) } });
    first.scanner.emitAdvert({ address: ENC, rssi: -50, serviceData: { fcd2: advert('long_press', 2) } });
    // the genuine pendant
    const genuine = advert('press', 3, 70);
    first.scanner.emitAdvert({ address: ENC, rssi: -60, serviceData: { fcd2: genuine } });
    await until('the genuine alarm', async () => (await alarmsOfHome()).length === 1);
    // the plaintext pendant: an alarm, then its long press (a cancel anyone could forge)
    first.scanner.emitAdvert({ address: PLAIN, rssi: -60, serviceData: { fcd2: advert('press', 10) } });
    await until('the plaintext alarm', async () => (await alarmsOfHome()).length === 2);
    first.scanner.emitAdvert({ address: PLAIN, rssi: -60, serviceData: { fcd2: advert('long_press', 11) } });

    // the next heartbeat (the server's config sets its interval; send one now) carries the refusals
    first.gw.heartbeat.beat();
    await until('the spoofing warning', async () => {
      const w = (await api('GET', '/api/v1/warnings?open=true')).items as Array<Record<string, unknown>>;
      return w.some((x) => x.kind === 'possible_spoofing' && x.deviceId === 'PEN-ENC');
    });
    const alarms = await alarmsOfHome();
    expect(alarms.map((a) => a.deviceId).sort()).toEqual(['PEN-ENC', 'PEN-PLAIN']);
    const plainAlarm = alarms.find((a) => a.deviceId === 'PEN-PLAIN')!;
    expect(plainAlarm.authenticated).toBe(false);
    expect(alarms.find((a) => a.deviceId === 'PEN-ENC')?.authenticated).toBe(true);
    await until('the plaintext cancel processed', async () => {
      const d = await api('GET', `/api/v1/alarms/${plainAlarm.id}`);
      return (d.transitions as Array<{ action: string }>).some((t) => t.action === 'cancel-refused');
    });
    expect(await api('GET', `/api/v1/alarms/${plainAlarm.id}`)).toMatchObject({
      state: 'new',
      cancelledAt: null,
    });
    await first.gw.stop();

    // restart with no network (the broker unreachable): pairing and key come from the sealed vault
    const offline = gateway(dataDir, 'mqtt://127.0.0.1:9');
    const heardOffline: string[] = [];
    offline.gw.bus.on('device-event', (e) => heardOffline.push(`${e.deviceId}:${e.kind}:${e.seq}`));
    await offline.gw.start();
    await until('scanning without the server config', () => offline.gw.devices.scan.running);
    offline.scanner.emitAdvert({ address: ENC, rssi: -60, serviceData: { fcd2: advert('press', 4, 71) } });
    // a capture of an earlier press (counter below the last accepted one): a replay
    offline.scanner.emitAdvert({ address: ENC, rssi: -60, serviceData: { fcd2: advert('press', 2, 69) } });
    // the genuine advert again seconds later is the pendant's own re-broadcast: dropped, not a replay
    offline.scanner.emitAdvert({ address: ENC, rssi: -60, serviceData: { fcd2: genuine } });
    expect(heardOffline.filter((e) => e.startsWith('PEN-'))).toEqual(['PEN-ENC:alarm:71']);
    expect(offline.gw.devices.get('PEN-ENC')?.refused).toEqual({ replay: 1 });
    await offline.gw.stop();

    // the network is back: the alarm heard while offline arrives, the replay never does
    const back = gateway(dataDir, s.mqttUrl);
    await back.gw.start();
    await until('the alarm heard offline', async () => (await alarmsOfHome()).length === 3);
    await new Promise((r) => setTimeout(r, 500));
    expect((await alarmsOfHome()).filter((a) => a.deviceId === 'PEN-ENC')).toHaveLength(2);
    await back.gw.stop();
  });
});
