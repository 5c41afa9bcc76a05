import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import type { defaultBridges } from '@baken/gateway/bridges/index';
import { httpReleaseSource, postUpdateProbe, ReleaseLayout, UpdateAgent } from '@baken/gateway/update/index';
import { fakePackage, fileUnpacker, readFakeRelease, trustedFrom } from '@baken/gateway/update/testing';
import { SystemClock } from '@baken/hardware';
import { encodeMqttPayload, topicFor } from '@baken/protocols';
import { TEST_RELEASE_KEY_PEM } from '@baken/protocols/release/test-keys';
import { createLogger, type RunningServer, startServer } from '@baken/server';
import { signedUpload, trustReleaseKey } from '@baken/server/modules/updates/testing';
import { testConfig } from '@baken/server/testing/test-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Server-pushed updates end to end: the real server (embedded broker, ingest, health, updates) and
// two real gateways (uplink, outbox, command relay, update agent) over real MQTT; packages come over
// HTTP with each unit's own credentials. Only the install step is a test double (it writes the fake
// package into the release directory instead of running dpkg-deb), and a "restart" is a clean stop
// and a new gateway on the same data directory running what `current` points at, as systemd and
// the launcher do. A broken release is one that cannot reach the broker (a wrong broker URL).

let s: RunningServer;
let serverDir: string;
let auth: Record<string, string>;
const dirs: string[] = [];
const clock = new SystemClock();

async function api(method: 'GET' | 'POST', url: string, payload?: object) {
  const r = await s.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`);
  return r.json();
}
const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** One home unit: its data dir, credentials and the gateway process running now. */
class Unit {
  gw: Gateway | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'baken-upd-e2e-'));
  readonly layout = new ReleaseLayout(join(this.dir, 'app'), {
    dir: join(this.dir, 'packaged'),
    version: '0.1.0',
  });
  restarts = 0;
  constructor(readonly creds: { gatewayId: string; mqtt: { username: string; password: string } }) {
    dirs.push(this.dir);
  }
  /** Starts what `current` points at (as the launcher does). */
  async boot(): Promise<void> {
    const running = this.layout.currentVersion();
    const broken = running !== '0.1.0' && readFakeRelease(this.layout.releaseDir(running)).unhealthy === true;
    let gw: Gateway | null = null;
    const agent = (ctx: Parameters<ReturnType<typeof defaultBridges>[number]>[0]) =>
      new UpdateAgent(
        { gatewayId: ctx.gatewayId, bus: ctx.bus, devices: ctx.devices, clock, logger: ctx.logger },
        {
          layout: this.layout,
          runningVersion: running,
          trustedKeys: () => trustedFrom(TEST_RELEASE_KEY_PEM),
          source: httpReleaseSource({
            server: s.url,
            username: this.creds.mqtt.username,
            password: this.creds.mqtt.password,
          }),
          unpack: fileUnpacker,
          probe: (links) => (gw ? postUpdateProbe(gw)(links) : { ok: false, reason: 'not running' }),
          restart: () => {
            this.restarts++;
            setImmediate(() => void this.reboot());
          },
          // generous: a loaded CI machine may take seconds to reconnect a healthy release
          healthDeadlineMs: 8_000,
          healthIntervalMs: 250,
        },
      );
    gw = createGateway({
      config: parseConfig({
        dataDir: this.dir,
        credentialsFile: join(this.dir, 'credentials.json'),
        // a broken release: it cannot reach the broker
        mqtt: {
          primaryUrl: broken ? 'mqtt://127.0.0.1:9' : s.mqttUrl,
          backoffInitialMs: 100,
          backoffMaxMs: 1_000,
        },
        heartbeat: { intervalMs: 5_000 },
        log: { level: 'silent' },
      }),
      credentials: { ...this.creds, server: s.url, provisionedAt: 0 },
      clock,
      logger: createLogger('silent'),
      softwareVersion: running,
      extensions: [agent],
    });
    this.gw = gw;
    await gw.start();
  }
  async reboot(): Promise<void> {
    await this.gw?.stop();
    this.gw = null;
    await this.boot();
  }
}

let units: Unit[] = [];

async function provision(n: number): Promise<Unit> {
  const client = await api('POST', '/api/v1/clients', { name: `Client ${n}` });
  const home = await api('POST', '/api/v1/homes', { clientId: client.id, address: `Laan ${n}` });
  const tok = await api('POST', `/api/v1/homes/${home.id}/enrolment-tokens`);
  const p = await s.app.inject({
    method: 'POST',
    url: '/api/v1/provision',
    payload: { token: tok.token, hardwareId: `hw-upd-${n}`, software: '0.1.0' },
  });
  return new Unit(p.json());
}

const rollout = async (id: string) => api('GET', `/api/v1/updates/rollouts/${id}`);
const upload = (version: string, unhealthy = false) =>
  api(
    'POST',
    '/api/v1/updates/releases',
    signedUpload(fakePackage({ version, unhealthy }), version, TEST_RELEASE_KEY_PEM),
  );

beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'baken-upd-srv-'));
  trustReleaseKey(serverDir, TEST_RELEASE_KEY_PEM);
  s = await startServer({ config: testConfig({ dataDir: serverDir }), logger: createLogger('silent') });
  const admin = (await s.app.baken.repos.users.list()).find((u) => u.role === 'admin')!;
  auth = { authorization: `Bearer ${(await s.app.baken.auth.createApiToken(admin.id, 'test', null)).token}` };
  units = [await provision(1), await provision(2)];
  for (const u of units) await u.boot();
  await until('both units online', () => units.every((u) => u.gw?.status().uplink.connected === true));
}, 60_000);
afterAll(async () => {
  for (const u of units) await u.gw?.stop();
  await s?.close();
  for (const d of [...dirs, serverDir]) rmSync(d, { recursive: true, force: true });
});

describe('server-pushed updates end to end (real gateways + real server over MQTT)', () => {
  it('rolls a signed release out wave by wave: each unit installs it, restarts into it and reports healthy', async () => {
    await upload('0.2.0');
    const r = await api('POST', '/api/v1/updates/rollouts', {
      version: '0.2.0',
      target: { all: true },
      waves: [50, 100],
    });
    await until('the rollout completes', async () => (await rollout(r.id)).state === 'completed');
    const done = await rollout(r.id);
    expect(done.counts).toMatchObject({ healthy: 2, failed: 0, rolled_back: 0 });
    expect(
      done.units.map((u: { wave: number; runningVersion: string }) => [u.wave, u.runningVersion]).sort(),
    ).toEqual([
      [1, '0.2.0'],
      [2, '0.2.0'],
    ]);
    for (const u of units) {
      expect(u.layout.currentVersion()).toBe('0.2.0');
      expect(u.restarts).toBe(1);
    }
  }, 60_000);

  it('a release that fails its health check is rolled back by the unit itself, and the rollout pauses', async () => {
    await upload('0.3.0', true);
    const r = await api('POST', '/api/v1/updates/rollouts', {
      version: '0.3.0',
      target: { all: true },
      waves: [50, 100],
    });
    await until('the rollout pauses', async () => (await rollout(r.id)).state === 'paused');
    const paused = await rollout(r.id);
    expect(paused.pauseReason).toContain('1 of 1 units failed or rolled back');
    const back = paused.units.find((u: { state: string }) => u.state === 'rolled_back');
    expect(back.runningVersion).toBe('0.2.0');
    expect(back.reason).toContain('BAKEN_ERR_UPDATE_HEALTH: not connected to the broker');
    expect(paused.counts.pending).toBe(1); // the second wave was never offered
    const unit = units.find((u) => u.creds.gatewayId === back.gatewayId)!;
    expect(unit.layout.currentVersion()).toBe('0.2.0');
    await until('the unit is back online', () => unit.gw?.status().uplink.connected === true);
  }, 60_000);

  it('as an attacker: a tampered package on the server is refused; a replayed old offer is refused as a downgrade', async () => {
    await upload('0.4.0');
    // the server is compromised: it swaps the stored package for other bytes
    s.app.baken.db
      .prepare('UPDATE update_releases SET package = ? WHERE version = ?')
      .run(fakePackage({ version: '0.4.0', unhealthy: true }), '0.4.0');
    const r = await api('POST', '/api/v1/updates/rollouts', {
      version: '0.4.0',
      target: { gateways: [units[0]!.creds.gatewayId] },
    });
    await until('the unit refuses the package', async () => (await rollout(r.id)).counts.failed === 1);
    const failed = (await rollout(r.id)).units[0];
    expect(failed.reason).toContain('BAKEN_ERR_RELEASE_DIGEST');
    expect(units[0]!.layout.currentVersion()).toBe('0.2.0');

    // a recorded offer of the old release, replayed on the unit's command topic
    const results: Array<Record<string, unknown>> = [];
    const off = s.app.ingest.bus.on('command.result', (e) => {
      results.push(e.result as unknown as Record<string, unknown>);
    });
    const gatewayId = units[0]!.creds.gatewayId;
    await s.app.baken.mqtt!.publish(
      topicFor('cmd/req', gatewayId),
      encodeMqttPayload('cmd/req', {
        v: 1,
        transaction: 'upd-replayed-0001',
        deviceId: gatewayId,
        kind: 'update',
        expiresAt: Date.now() + 60_000,
        params: { version: '0.1.0' },
      }),
      { qos: 1 },
    );
    await until('the replay is answered', () =>
      results.some((x) => x['transaction'] === 'upd-replayed-0001'),
    );
    off();
    expect(results.find((x) => x['transaction'] === 'upd-replayed-0001')).toMatchObject({
      status: 'refused',
      reason: expect.stringContaining('BAKEN_ERR_UPDATE_DOWNGRADE'),
    });
    expect(units[0]!.layout.currentVersion()).toBe('0.2.0');
  }, 60_000);
});
