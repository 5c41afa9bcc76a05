import { MockClock } from '@baken/hardware';
import { KsReason } from '@baken/protocols';
import { describe, expect, it } from 'vitest';
import { type Home, startHome } from '../home.js';
import type { HomeConfig } from '../home-config.js';
import { KsTestHost } from '../keysafe/ks-host.js';
import { attachSerial } from '../keysafe/transports.js';

const KEY = '22'.repeat(32);
const CONFIG: HomeConfig = {
  pendants: [{ id: 'p1', address: 'C0:FF:EE:00:00:01', format: 'bthome' }],
  keySafe: { serial: 'KS-FAULT-1', key: KEY },
  seed: 99,
};

async function rig(): Promise<{ clock: MockClock; home: Home; host: KsTestHost }> {
  const clock = new MockClock();
  const home = await startHome(CONFIG, { serial: 'mock', ble: 'mock' }, clock);
  const link = home.serial?.hostLink;
  if (link === undefined) throw new Error('no host link');
  await link.open();
  const host = new KsTestHost({ clock, key: new Uint8Array(Buffer.from(KEY, 'hex')), serial: 'KS-FAULT-1' });
  attachSerial(host, link);
  await clock.advanceAsync(10);
  return { clock, home, host };
}

const safeOf = (home: Home) => {
  if (home.safe === undefined) throw new Error('no safe');
  return home.safe;
};

async function deliver(clock: MockClock, host: KsTestHost, msg: Parameters<KsTestHost['deliver']>[0]) {
  const p = host.deliver(msg);
  await clock.advanceAsync(5_000);
  return p;
}

describe('fault switches', () => {
  it('power loss: no answer while off; on restart HELLO, NV state reloaded, RAM state (unlock) lost', async () => {
    const { clock, home, host } = await rig();
    const safe = safeOf(home);
    const open = host.sign(
      { kind: 'open_now', holderId: 1, unlockSeconds: 60 },
      { deviceNow: safe.rtc.nowSeconds() },
    );
    expect(await deliver(clock, host, open)).toMatchObject({ kind: 'delivered' });
    expect(safe.unlocked).toBe(true);
    home.faults.set('power', true);
    expect(await deliver(clock, host, { kind: 'status_poll' })).toMatchObject({ kind: 'exhausted' });
    home.faults.set('power', false);
    await clock.advanceAsync(10);
    expect(host.received.filter((m) => m.kind === 'hello')).toHaveLength(2);
    expect(safe.unlocked).toBe(false);
    expect(safe.nv.lastCounter).toBe('1');
    expect(await deliver(clock, host, open)).toMatchObject({
      kind: 'refused',
      reason: KsReason.CounterReplay,
    });
  });

  it('rtc-lost: only TIME_SYNC is accepted until the clock is set', async () => {
    const { clock, home, host } = await rig();
    const safe = safeOf(home);
    home.faults.set('rtc-lost', true);
    home.faults.set('rtc-lost', false);
    await clock.advanceAsync(10);
    const now = safe.rtc.nowSeconds();
    const open = host.sign({ kind: 'open_now', holderId: 1, unlockSeconds: 5 }, { deviceNow: now });
    expect(await deliver(clock, host, open)).toMatchObject({ kind: 'refused', reason: KsReason.ClockNotSet });
    const sync = host.sign({ kind: 'time_sync', newTime: now + 10_000 }, { deviceNow: now });
    expect(await deliver(clock, host, sync)).toMatchObject({ kind: 'delivered' });
    expect(safe.nv.clockValid).toBe(true);
  });

  it('mute and unplug: the device stops answering until switched back', async () => {
    const { clock, home, host } = await rig();
    home.faults.set('mute', true);
    expect(await deliver(clock, host, { kind: 'status_poll' })).toMatchObject({ kind: 'exhausted' });
    home.faults.set('mute', false);
    expect(await deliver(clock, host, { kind: 'status_poll' })).toMatchObject({ kind: 'delivered' });
    home.faults.set('unplug', true);
    expect(await deliver(clock, host, { kind: 'self_test' })).toMatchObject({ kind: 'exhausted' });
    home.faults.set('unplug', false);
    await clock.advanceAsync(10);
    expect(await deliver(clock, host, { kind: 'self_test' })).toMatchObject({ kind: 'delivered' });
  });

  it('noise: events are retransmitted until ACKed and reach the host exactly once', async () => {
    const { clock, home, host } = await rig();
    const safe = safeOf(home);
    home.faults.set('noise', true, 0.03);
    for (let i = 0; i < 20; i++) {
      safe.openDoor();
      safe.closeDoor();
      await clock.advanceAsync(3_000);
    }
    home.faults.set('noise', false);
    await clock.advanceAsync(5_000);
    const doorEvents = host.received.filter((m) => m.kind === 'door_forced' || m.kind === 'door_closed');
    const seqs = doorEvents.map((m) => ('eventSeq' in m ? m.eventSeq : -1));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(doorEvents.length).toBeGreaterThan(30);
    expect((safe.endpoint?.counters.badCrc ?? 0) + host.endpoint.counters.badCrc).toBeGreaterThan(0);
  });

  it('drift: the RTC gains at the configured ppm', async () => {
    const { clock, home } = await rig();
    const safe = safeOf(home);
    const start = safe.rtc.nowMs() - clock.now();
    home.faults.set('drift', true, 1000);
    await clock.advanceAsync(1_000_000);
    expect(Math.round(safe.rtc.nowMs() - clock.now() - start)).toBe(1000);
  });

  it('ble-range and battery-dead: pendant transmissions are not heard / not sent', async () => {
    const { home } = await rig();
    const p = home.pendants.get('p1');
    if (p === undefined) throw new Error('no pendant');
    let sent = 0;
    p.on('transmit', () => sent++);
    home.faults.set('ble-range', true);
    expect(p.inRange).toBe(false);
    home.faults.set('ble-range', false);
    expect(p.inRange).toBe(true);
    home.faults.set('battery-dead', true);
    p.press();
    expect(sent).toBe(0);
    expect(safeOf(home).powered).toBe(false);
    expect(() => home.faults.set('gremlins', true)).toThrow(/unknown fault 'gremlins'/);
  });
});
