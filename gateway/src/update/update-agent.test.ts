import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { OTHER_RELEASE_KEY_PEM, TEST_RELEASE_KEY_PEM } from '@baken/protocols/release/test-keys';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../devices/device-registry.js';
import { type CommandResult, type DeviceEvent, GatewayBus } from '../event-bus.js';
import { ReleaseLayout } from './release-layout.js';
import { fakePackage, fileUnpacker, mapSource, readFakeRelease, signFake, trustedFrom } from './testing.js';
import { UpdateAgent, type UpdateAgentOptions } from './update-agent.js';

const GW = 'gw-home-1';

describe('UpdateAgent: verify, install side by side, check health, roll back by itself', () => {
  let root: string;
  let clock: MockClock;
  let layout: ReleaseLayout;
  let releases: Map<string, { pkg: Buffer; signature: unknown }>;
  let unit: Unit;

  /** One run of the home unit: a fresh bus and agent on the same disk, as after a restart. */
  class Unit {
    readonly bus = new GatewayBus();
    readonly devices = new DeviceRegistry();
    readonly events: DeviceEvent['data'][] = [];
    readonly results: CommandResult[] = [];
    restarts = 0;
    readonly agent: UpdateAgent;
    constructor(running: string, over: Partial<UpdateAgentOptions> = {}) {
      this.bus.on('device-event', (e) => {
        this.events.push(e.data);
        this.bus.emit('event-committed', { id: e.id ?? 'x', topic: 'events', payload: '' });
      });
      this.bus.on('command-result', (r) => this.results.push(r));
      const healthy = () => {
        const current = layout.currentVersion();
        return current === layout.packagedVersion || !readFakeRelease(layout.releaseDir(current)).unhealthy;
      };
      this.agent = new UpdateAgent(
        { gatewayId: GW, bus: this.bus, devices: this.devices, clock, logger: pino({ level: 'silent' }) },
        {
          layout,
          runningVersion: running,
          trustedKeys: () => trustedFrom(TEST_RELEASE_KEY_PEM),
          source: mapSource(releases),
          unpack: fileUnpacker,
          probe: () => (healthy() ? { ok: true } : { ok: false, reason: 'not connected to the broker' }),
          restart: () => {
            this.restarts++;
          },
          healthDeadlineMs: 60_000,
          healthIntervalMs: 5_000,
          arch: 'arm64',
          ...over,
        },
      );
    }
    offer(version: string, expiresAt = clock.now() + 60_000): void {
      this.bus.emit('command', {
        transaction: `tx-${version}`,
        deviceId: GW,
        kind: 'update',
        expiresAt,
        params: { version, rollout: 'ro-1' },
      });
    }
    states(): string[] {
      return this.events.map(
        (e) => `${e['state']} ${e['version']}${e['reason'] ? ` ${String(e['reason']).split(':')[0]}` : ''}`,
      );
    }
  }

  const publish = (version: string, opts: { unhealthy?: boolean; key?: string; signedAs?: string } = {}) => {
    const pkg = fakePackage({ version, ...(opts.unhealthy ? { unhealthy: true } : {}) });
    releases.set(version, {
      pkg,
      signature: signFake(pkg, opts.signedAs ?? version, opts.key ?? TEST_RELEASE_KEY_PEM),
    });
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'baken-upd-'));
    clock = new MockClock();
    layout = new ReleaseLayout(join(root, 'app'), { dir: join(root, 'packaged'), version: '1.0.0' });
    releases = new Map();
    unit = new Unit('1.0.0');
    await unit.agent.start();
  });
  afterEach(async () => {
    await unit.agent.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** The process restarts: the launcher starts `current` (counting a trial's boots). */
  const reboot = async (): Promise<Unit> => {
    await unit.agent.stop();
    if (layout.trial()) writeFileSync(join(layout.root, 'trial-boots'), String(layout.trialBoots() + 1));
    unit = new Unit(layout.currentVersion());
    await unit.agent.start();
    return unit;
  };

  it('installs a signed newer release beside the old one, restarts into it and commits it once healthy', async () => {
    publish('1.1.0');
    unit.offer('1.1.0');
    await settle();
    expect(unit.results).toEqual([{ transaction: 'tx-1.1.0', status: 'ok' }]);
    expect(unit.states()).toEqual(['accepted 1.1.0', 'downloading 1.1.0', 'installed 1.1.0']);
    expect(unit.restarts).toBe(1);
    expect(readlinkSync(join(layout.root, 'current'))).toBe(join('releases', '1.1.0'));
    expect(readlinkSync(join(layout.root, 'previous'))).toBe(join(root, 'packaged'));

    const after = await reboot();
    expect(after.states()).toEqual([]);
    await clock.advanceAsync(10_000);
    expect(after.states()).toEqual(['healthy 1.1.0']);
    expect(after.events[0]?.['running']).toBe('1.1.0');
    expect(layout.trial()).toBeNull();
    expect(layout.result()).toBeNull(); // reported and committed to the outbox
  });

  it('rolls back by itself when the new version fails its health check, reports it, and never takes it again', async () => {
    publish('1.1.0', { unhealthy: true });
    unit.offer('1.1.0');
    await settle();
    const trial = await reboot();
    await clock.advanceAsync(60_000);
    expect(trial.states()).toEqual(['rolled_back 1.1.0 BAKEN_ERR_UPDATE_HEALTH']);
    expect(trial.events[0]?.['running']).toBe('1.0.0');
    expect(String(trial.events[0]?.['reason'])).toContain('not connected to the broker');
    expect(trial.restarts).toBe(1);
    expect(layout.currentVersion()).toBe('1.0.0');

    const back = await reboot();
    await clock.advanceAsync(60_000);
    expect(back.states()).toEqual([]);
    back.offer('1.1.0');
    expect(back.results[0]).toMatchObject({
      status: 'refused',
      reason: expect.stringContaining('FAILED_BEFORE'),
    });
  });

  it('refuses a tampered package, a wrong key, a relabelled old release and another architecture; nothing changes', async () => {
    publish('1.1.0');
    const r = releases.get('1.1.0')!;
    const tampered = Buffer.from(r.pkg);
    tampered.writeUInt8(tampered.readUInt8(5) ^ 1, 5);
    releases.set('1.1.0', { ...r, pkg: tampered });
    publish('1.2.0', { key: OTHER_RELEASE_KEY_PEM });
    publish('1.3.0', { signedAs: '0.9.0' }); // an old release offered under a new number
    const armhf = fakePackage({ version: '1.4.0' });
    releases.set('1.4.0', { pkg: armhf, signature: signFake(armhf, '1.4.0', TEST_RELEASE_KEY_PEM, 'armhf') });
    for (const v of ['1.1.0', '1.2.0', '1.3.0', '1.4.0']) {
      unit.offer(v);
      await settle();
    }
    expect(unit.states().filter((s) => s.startsWith('failed'))).toEqual([
      'failed 1.1.0 BAKEN_ERR_RELEASE_DIGEST',
      'failed 1.2.0 BAKEN_ERR_RELEASE_UNTRUSTED_KEY',
      'failed 1.3.0 BAKEN_ERR_UPDATE_MISMATCH',
      'failed 1.4.0 BAKEN_ERR_UPDATE_MISMATCH', // built for another architecture
    ]);
    expect(unit.restarts).toBe(0);
    expect(layout.currentVersion()).toBe('1.0.0');
    expect(existsSync(join(layout.root, 'current'))).toBe(false);
  });

  it('refuses a downgrade, the running version and a second offer while one runs', async () => {
    publish('1.1.0');
    unit.offer('0.9.0');
    unit.offer('1.0.0');
    unit.offer('1.1.0');
    unit.offer('1.1.0-x');
    expect(unit.results.map((r) => `${r.status} ${r.reason?.split(':')[0] ?? ''}`)).toEqual([
      'refused BAKEN_ERR_UPDATE_DOWNGRADE',
      'refused BAKEN_ERR_UPDATE_DOWNGRADE',
      'ok ',
      'refused BAKEN_ERR_UPDATE_MISMATCH',
    ]);
    await settle();
    unit.offer('1.2.0'); // the trial of 1.1.0 is under way (the restart is pending)
    expect(unit.results.at(-1)).toMatchObject({ status: 'refused', reason: expect.stringContaining('BUSY') });
  });

  it('a power cut during the trial comes back on the new version and checks again; a version that keeps failing to start is rolled back', async () => {
    publish('1.1.0');
    unit.offer('1.1.0');
    await settle();
    await reboot(); // power cut before the check ends
    await clock.advanceAsync(1_000);
    for (let i = 0; i < 3; i++) await reboot();
    expect(unit.states()).toEqual(['rolled_back 1.1.0 BAKEN_ERR_UPDATE_HEALTH']);
    expect(layout.currentVersion()).toBe('1.0.0');
  });

  it('the previous version reports the rollback when the launcher went back because the new one did not start', async () => {
    publish('1.1.0');
    unit.offer('1.1.0');
    await settle();
    await unit.agent.stop();
    // what packaging/files/baken-gateway-launch does after too many starts: current := previous
    const { symlinkSync, renameSync } = await import('node:fs');
    symlinkSync(readlinkSync(join(layout.root, 'previous')), join(layout.root, 'tmp'));
    renameSync(join(layout.root, 'tmp'), join(layout.root, 'current'));
    unit = new Unit('1.0.0');
    await unit.agent.start();
    expect(unit.states()).toEqual(['rolled_back 1.1.0 BAKEN_ERR_UPDATE_HEALTH']);
    expect(String(unit.events[0]?.['reason'])).toContain('did not start');
    expect(unit.restarts).toBe(0);
  });
});
