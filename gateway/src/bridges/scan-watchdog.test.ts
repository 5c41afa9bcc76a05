import { type BleScanner, MockBleScanner, MockClock } from '@baken/hardware';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../devices/device-registry.js';
import { type ScanActionReport, ScanWatchdog, type ScanWatchdogOptions } from './scan-watchdog.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const PENDANT = 'D8:3A:DD:12:34:56';

/** A watchdog on a mock scanner, checked every 30 s of the mock clock (as the pendant bridge does). */
async function rig(opts: ScanWatchdogOptions = {}, scanner?: BleScanner) {
  const clock = new MockClock({ epochMs: 1_767_225_600_000 });
  const mock = new MockBleScanner({ clock });
  const s = scanner ?? mock;
  const devices = new DeviceRegistry();
  const actions: ScanActionReport[] = [];
  const dog = new ScanWatchdog(
    {
      clock,
      logger: pino({ level: 'silent' }),
      scan: devices.scan,
      counters: devices.counters,
      onAction: (r) => actions.push(r),
    },
    opts,
  );
  s.on('advert', () => dog.heard());
  s.on('error', (err) => void dog.scannerError(err));
  dog.attach(s);
  await s.start();
  dog.started();
  clock.setInterval(() => void dog.check(), 30_000);
  const advertise = (): boolean =>
    mock.emitAdvert({ address: PENDANT, serviceData: { fcb1: Uint8Array.of(1) } });
  return { clock, scanner: mock, devices, actions, dog, advertise };
}

describe('ScanWatchdog', () => {
  it('takes the silence limit from the pendants expected intervals, not a fixed 5 min', async () => {
    const t = await rig();
    t.dog.expect([HOUR, 2 * HOUR]);
    expect(t.dog.silenceLimitMs).toBe(2.5 * HOUR);
    await t.clock.advanceAsync(2.5 * HOUR - MIN);
    expect(t.actions).toEqual([]);
    await t.clock.advanceAsync(MIN);
    expect(t.actions).toMatchObject([{ action: 'restart', restarts: 1 }]);
    expect(t.actions[0]?.reason).toMatch(/^no advert for 9000 s \(expected within 9000 s\)$/);
    expect(t.scanner.startCount).toBe(2);
  });

  it('heard adverts keep a quiet but working scan alone; no expected interval → the fallback', async () => {
    const t = await rig({ fallbackSilenceMs: 20 * MIN });
    for (let i = 0; i < 6; i++) {
      await t.clock.advanceAsync(15 * MIN);
      t.advertise();
    }
    expect(t.actions).toEqual([]);
    await t.clock.advanceAsync(20 * MIN);
    expect(t.actions).toHaveLength(1);
  });

  it('escalates: a restart that does not bring adverts back is followed by an adapter reset', async () => {
    const t = await rig();
    t.dog.expect([HOUR]);
    t.scanner.stall('reset');
    await t.clock.advanceAsync(2.5 * HOUR);
    expect(t.actions.map((a) => a.action)).toEqual(['restart']);
    expect(t.advertise()).toBe(false); // the restart did not help
    await t.clock.advanceAsync(2.5 * HOUR);
    expect(t.actions.map((a) => a.action)).toEqual(['restart', 'adapter_reset']);
    expect(t.scanner.adapterResets).toBe(1);
    expect(t.devices.scan).toMatchObject({
      running: true,
      adapterResets: 1,
      lastResetAt: t.clock.now(),
    });
    expect(t.devices.scan.lastResetReason).toMatch(/^adapter_reset: no advert for/);
    expect(t.advertise()).toBe(true);
    // heard again: the ladder starts over with a restart
    t.scanner.stall('restart');
    await t.clock.advanceAsync(2.5 * HOUR);
    expect(t.actions.map((a) => a.action)).toEqual(['restart', 'adapter_reset', 'restart']);
  });

  it('BlueZ InProgress goes straight to an adapter reset, reported with its reason', async () => {
    const t = await rig();
    t.scanner.failStartsInProgress();
    t.scanner.emitError('discovery ended unexpectedly');
    await t.clock.advanceAsync(1);
    // the restart after the error is refused with InProgress
    expect(t.actions.map((a) => a.action)).toEqual(['restart']);
    expect(t.devices.scan).toMatchObject({ running: false });
    expect(t.devices.scan.error).toMatch(/^BAKEN_ERR_BLE_SCAN_IN_PROGRESS/);
    await t.clock.advanceAsync(60_000);
    expect(t.actions.map((a) => a.action)).toEqual(['restart', 'adapter_reset']);
    expect(t.devices.scan.lastResetReason).toMatch(/^adapter_reset: .*InProgress/);
    expect(t.devices.scan).toMatchObject({ running: true, error: null, adapterResets: 1 });
    expect(t.advertise()).toBe(true);
  });

  it('bounds the rate: at most 6 restarts and 2 adapter resets an hour, never closer than the gap', async () => {
    const t = await rig({ minActionGapMs: 2 * MIN });
    t.scanner.failStartsInProgress();
    const refuse = t.scanner.resetAdapter.bind(t.scanner);
    t.scanner.resetAdapter = async () => {
      await refuse();
      t.scanner.failStartsInProgress();
      await t.scanner.restart(); // the adapter comes back stuck
    };
    t.scanner.emitError();
    await t.clock.advanceAsync(HOUR - 1);
    const at = t.actions.map((a) => a.action);
    expect(at.filter((a) => a === 'adapter_reset')).toHaveLength(2);
    expect(at.length).toBeLessThanOrEqual(8);
    expect(t.devices.scan.running).toBe(false);
  });

  it('a step that never settles (BlueZ hung) fails after the step timeout and escalates', async () => {
    const inner = new MockBleScanner({ clock: new MockClock() });
    let hang = false;
    const hung = Object.assign(inner, {
      restart: () =>
        hang ? new Promise<void>(() => undefined) : MockBleScanner.prototype.restart.call(inner),
    });
    const t = await rig({ stepTimeoutMs: 20_000 }, hung);
    hang = true;
    inner.emitError();
    await t.clock.advanceAsync(20_000);
    expect(t.devices.scan.running).toBe(false);
    expect(t.devices.scan.error).toMatch(/restart did not finish/);
    await t.clock.advanceAsync(60_000);
    expect(t.actions.map((a) => a.action)).toEqual(['restart', 'adapter_reset']);
    expect(t.devices.scan.running).toBe(true);
  });

  it('after an adapter reset that brought nothing back, the next one waits twice as long', async () => {
    const t = await rig({ fallbackSilenceMs: 10 * MIN });
    // nobody advertises at all (the only pendant is away): restart, reset, then back-off
    await t.clock.advanceAsync(20 * MIN);
    expect(t.actions.map((a) => a.action)).toEqual(['restart', 'adapter_reset']);
    await t.clock.advanceAsync(20 * MIN - 30_000);
    expect(t.actions).toHaveLength(2);
    await t.clock.advanceAsync(30_000);
    expect(t.actions).toHaveLength(3);
  });
});
