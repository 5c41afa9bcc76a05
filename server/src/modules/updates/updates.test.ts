import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeartbeatPayload } from '@baken/protocols';
import { OTHER_RELEASE_KEY_PEM, TEST_RELEASE_KEY_PEM } from '@baken/protocols/release/test-keys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, MACHINE_SCRYPT } from '../../auth/password.js';
import { type TestApp, testApp } from '../../testing/test-app.js';
import { signedUpload, trustReleaseKey } from './testing.js';

const MIN = 60_000;
let t: TestApp;
let dir: string;
let admin: { authorization: string };
const gateways: Array<{ id: string; homeId: string }> = [];

async function enrol(n: number): Promise<void> {
  const { repos } = t.app.baken;
  const hash = await hashPassword('gw-secret', MACHINE_SCRYPT);
  for (let i = 0; i < n; i++) {
    const c = await repos.clients.createClient({ name: `C${i}` }, t.clock.now());
    const h = await repos.clients.createHome(
      { clientId: c.id, address: `Straat ${i}`, region: 'Noord' },
      t.clock.now(),
    );
    const id = `gw-${String(i).padStart(4, '0')}`;
    await repos.gateways.create({
      id,
      homeId: h.id,
      serial: null,
      createdAt: t.clock.now(),
      revokedAt: null,
      mqttPasswordHash: hash,
    });
    gateways.push({ id, homeId: h.id });
  }
}

const post = (url: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: admin, ...(payload === undefined ? {} : { payload }) });
const upload = (version: string, key = TEST_RELEASE_KEY_PEM, pkg = Buffer.from(`package ${version}`)) =>
  post('/api/v1/updates/releases', signedUpload(pkg, version, key));

/** What a unit says back, through the same domain bus ingest feeds. */
const bus = () => t.app.ingest.bus;
/** Lets what the bus and the clock set off (store calls that settle within this turn) finish. */
const settle = () => new Promise((r) => setImmediate(r));
async function answer(gatewayId: string, status: 'ok' | 'refused', reason?: string) {
  const svc = t.app.updates;
  const r = (await svc.store.rollouts())[0]!;
  const u = (await svc.store.unit(r.id, gatewayId))!;
  bus().emit('command.result', {
    result: { v: 1, transaction: u.transactionId!, status, at: t.clock.now(), ...(reason ? { reason } : {}) },
    gatewayId,
    at: t.clock.now(),
  });
  await settle();
}
let seq = 0;
async function report(gatewayId: string, state: string, version: string, running: string, reason?: string) {
  const rollout = (await t.app.updates.store.rollouts())[0]!.id;
  bus().emit('ingest.event', {
    event: {
      v: 1,
      id: `evt-upd-${String(++seq).padStart(6, '0')}`,
      gatewayId,
      deviceId: gatewayId,
      deviceKind: 'gateway',
      kind: 'update',
      priority: 'normal',
      deviceTime: null,
      receivedAt: t.clock.now(),
      data: { state, version, running, rollout, ...(reason ? { reason } : {}) },
    },
    homeId: null,
    storedAt: t.clock.now(),
  } as never);
  await settle();
}
const detail = async () => {
  const id = (await t.app.updates.store.rollouts())[0]!.id;
  return (await t.app.inject({ url: `/api/v1/updates/rollouts/${id}`, headers: admin })).json();
};
const offered = async () =>
  (await detail()).units
    .filter((u: { state: string }) => u.state !== 'pending')
    .map((u: { gatewayId: string }) => u.gatewayId);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baken-upd-srv-'));
  trustReleaseKey(dir, TEST_RELEASE_KEY_PEM);
  t = await testApp({ dataDir: dir });
  admin = (await t.userWithToken('admin')).auth;
  gateways.length = 0;
  await enrol(10);
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('releases', () => {
  it('stores a release signed with a trusted key and audits the upload; refuses unsigned, tampered and foreign ones', async () => {
    const ok = await upload('1.1.0');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ version: '1.1.0', arch: 'all', keyId: '10ba682c8ad13513' });
    expect((await upload('1.1.0')).statusCode).toBe(409);

    const foreign = await upload('1.2.0', OTHER_RELEASE_KEY_PEM);
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([400, 'BAKEN_ERR_RELEASE_UNTRUSTED_KEY']);
    const body = signedUpload(Buffer.from('package 1.3.0'), '1.3.0', TEST_RELEASE_KEY_PEM);
    const tampered = await post('/api/v1/updates/releases', {
      ...body,
      package: Buffer.from('package 1.3.1').toString('base64'),
    });
    expect([tampered.statusCode, tampered.json().error.code]).toEqual([400, 'BAKEN_ERR_RELEASE_DIGEST']);
    const unsigned = await post('/api/v1/updates/releases', { package: body.package });
    expect(unsigned.statusCode).toBe(400);

    const list = (await t.app.inject({ url: '/api/v1/updates/releases', headers: admin })).json();
    expect(list.map((r: { version: string }) => r.version)).toEqual(['1.1.0']);
    const audit = (
      await t.app.inject({ url: '/api/v1/audit/entries?action=update.release.upload', headers: admin })
    ).json();
    expect(audit).toHaveLength(1);
  });

  it('serves the package and signature to an enrolled unit with its own credentials only', async () => {
    await upload('1.1.0');
    const basic = (pw: string) => ({
      authorization: `Basic ${Buffer.from(`gw-0001:${pw}`).toString('base64')}`,
    });
    const pkg = await t.app.inject({
      url: '/api/v1/gateway/releases/1.1.0/package',
      headers: basic('gw-secret'),
    });
    expect(pkg.statusCode).toBe(200);
    expect(pkg.rawPayload.toString()).toBe('package 1.1.0');
    const sig = await t.app.inject({
      url: '/api/v1/gateway/releases/1.1.0/signature',
      headers: basic('gw-secret'),
    });
    expect(sig.json().keyId).toBe('10ba682c8ad13513');
    expect(
      (await t.app.inject({ url: '/api/v1/gateway/releases/1.1.0/package', headers: basic('wrong') }))
        .statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ url: '/api/v1/gateway/releases/1.1.0/package', headers: admin })).statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ url: '/api/v1/gateway/releases/9.9.9/package', headers: basic('gw-secret') }))
        .statusCode,
    ).toBe(404);
  });
});

describe('staged rollouts', () => {
  it('offers the first wave, waits for it to be healthy, then offers the rest; completes', async () => {
    await upload('1.1.0');
    const created = await post('/api/v1/updates/rollouts', {
      version: '1.1.0',
      target: { all: true },
      waves: [10, 100],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ state: 'running', wave: 1, counts: { offered: 1, pending: 9 } });
    const [first] = await offered();
    await answer(first, 'ok');
    await report(first, 'installed', '1.1.0', '1.0.0');
    t.clock.advance(MIN);
    await settle();
    expect(await offered()).toEqual([first]); // no unit of wave 2 before wave 1 is healthy
    await report(first, 'healthy', '1.1.0', '1.1.0');
    const d = await detail();
    expect(d).toMatchObject({ wave: 2, counts: { healthy: 1, offered: 9 } });
    expect(d.units.find((u: { gatewayId: string }) => u.gatewayId === first)).toMatchObject({
      state: 'healthy',
      runningVersion: '1.1.0',
    });
    for (const g of gateways.map((x) => x.id).filter((id) => id !== first)) {
      await answer(g, 'ok');
      await report(g, 'healthy', '1.1.0', '1.1.0');
    }
    expect(await detail()).toMatchObject({ state: 'completed', counts: { healthy: 10 } });
  });

  it('pauses by itself when a wave rolls back too often; an admin resumes or aborts; every step is audited', async () => {
    await upload('1.1.0');
    await post('/api/v1/updates/rollouts', {
      version: '1.1.0',
      target: { all: true },
      waves: [20, 100],
      maxFailurePct: 20,
    });
    const [a, b] = await offered();
    await answer(a, 'ok');
    await report(a, 'rolled_back', '1.1.0', '1.0.0', 'BAKEN_ERR_UPDATE_HEALTH: not connected to the broker');
    const paused = await detail();
    expect(paused).toMatchObject({ state: 'paused', counts: { rolled_back: 1 } });
    expect(paused.pauseReason).toContain('1 of 2 units failed or rolled back');
    t.clock.advance(MIN);
    await settle();
    expect(await offered()).toEqual([a, b]);
    const id = paused.id;
    expect((await post(`/api/v1/updates/rollouts/${id}/resume`)).json()).toMatchObject({
      state: 'running',
      pauseReason: null,
    });
    await answer(b, 'ok');
    await report(b, 'healthy', '1.1.0', '1.1.0');
    expect((await detail()).wave).toBe(2);
    expect((await post(`/api/v1/updates/rollouts/${id}/abort`)).json().state).toBe('aborted');
    expect((await post(`/api/v1/updates/rollouts/${id}/resume`)).statusCode).toBe(409);
    const actions = (await t.app.inject({ url: '/api/v1/audit/entries', headers: admin }))
      .json()
      .map((e: { action: string }) => e.action);
    expect(actions.filter((x: string) => x.startsWith('update.'))).toEqual([
      'update.release.upload',
      'update.rollout.create',
      'update.rollout.pause',
      'update.rollout.resume',
      'update.rollout.abort',
    ]);
  });

  it("pauses by itself when an updated home's downtime budget burns, and says which home", async () => {
    await upload('1.1.0');
    await post('/api/v1/updates/rollouts', { version: '1.1.0', target: { all: true } });
    const [first] = await offered();
    await answer(first, 'ok');
    const home = gateways.find((g) => g.id === first)!.homeId;
    const hb: HeartbeatPayload = {
      v: 1,
      gatewayId: first,
      sentAt: t.clock.now(),
      uptimeS: 1,
      software: '1.0.0',
      intervalS: 60,
      outbox: { depth: 0, oldestAgeS: null },
      scan: { running: true, restarts: 0 },
      devices: [],
    };
    await t.app.ingest.storeTurn({
      states: [
        { kind: 'heartbeat', body: { heartbeat: hb, gatewayId: first, homeId: home, at: t.clock.now() } },
      ],
    });
    // the unit goes silent after installing: the home's downtime budget starts to burn
    for (let i = 0; i < 12; i++) {
      t.clock.advance(MIN);
      await settle();
    }
    const d = await detail();
    expect(d.state).toBe('paused');
    expect(d.pauseReason).toContain(`downtime budget of home ${home} is burning`);
  });

  it('refuses a second rollout of the same release while one is active, and a target with no unit', async () => {
    await upload('1.1.0');
    expect(
      (await post('/api/v1/updates/rollouts', { version: '1.1.0', target: { all: true } })).statusCode,
    ).toBe(201);
    expect(
      (await post('/api/v1/updates/rollouts', { version: '1.1.0', target: { all: true } })).statusCode,
    ).toBe(409);
    expect(
      (await post('/api/v1/updates/rollouts', { version: '2.0.0', target: { all: true } })).statusCode,
    ).toBe(404);
  });
});
