import type { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { KeySafe as SimKeySafe } from '@baken/device-sim/keysafe/key-safe';
import { KsTestHost } from '@baken/device-sim/keysafe/ks-host';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import { attachSerial } from '@baken/device-sim/keysafe/transports';
import { MockClock, MockSerialWire, yieldToEventLoop } from '@baken/hardware';
import {
  KsDeframer,
  type KsMessage,
  KsType,
  ksEncodeFrame,
  ksEncodeMessage,
  validatePayload,
} from '@baken/protocols';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../devices/device-registry.js';
import { type CommandResult, type DeviceEvent, GatewayBus, type LinkStateChange } from '../event-bus.js';
import { toEnvelope } from '../outbox/event-writer.js';
import { SerialFrameTransport } from './frame-transport.js';
import { KeysafeBridge } from './keysafe-bridge.js';

const KEY = new Uint8Array(32).map((_, i) => (i * 5 + 1) & 0xff);
const SERIAL = 'KS-TEST-0001';

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await yieldToEventLoop();
}

async function rig(opts: { serial?: string; powerOnFirst?: boolean } = {}) {
  const clock = new MockClock();
  const wire = new MockSerialWire({ pathA: '/dev/mock-safe', pathB: '/dev/mock-gw' });
  await wire.a.open();
  const safe: KeySafe = new SimKeySafe({ serial: SERIAL, key: KEY, clock, nv: new MemoryNvStore() });
  attachSerial(safe, wire.a);
  const bus = new GatewayBus((_e, err) => {
    throw err;
  });
  const devices = new DeviceRegistry();
  const events: DeviceEvent[] = [];
  const results: CommandResult[] = [];
  const links: LinkStateChange[] = [];
  bus.on('device-event', (e) => events.push(e));
  bus.on('command-result', (r) => results.push(r));
  bus.on('link-state', (l) => links.push(l));
  // everything the gateway writes, as frames (to prove it never mints an authenticated command)
  const sentTypes: number[] = [];
  const tap = new KsDeframer();
  wire.a.on('data', (chunk) => {
    for (const f of tap.push(chunk)) sentTypes.push(f.type);
  });
  const bridge = new KeysafeBridge(
    { bus, devices, clock, logger: pino({ level: 'silent' }), transport: new SerialFrameTransport(wire.b) },
    {
      deviceId: 'keysafe-1',
      serial: opts.serial ?? SERIAL,
      random: () => 0.5,
      reconnect: { initialMs: 1_000, maxMs: 8_000 },
    },
  );
  const host = new KsTestHost({ clock, key: KEY, serial: SERIAL });
  const frameHex = (msg: KsMessage): string => {
    const f = ksEncodeMessage(msg, 0x33);
    if (!f.ok) throw f.error;
    const bytes = ksEncodeFrame(f.value);
    if (!bytes.ok) throw bytes.error;
    return Buffer.from(bytes.value).toString('hex');
  };
  await bridge.start();
  safe.powerOn();
  await settle();
  // the STATUS_POLL sent at open reached a key safe that was still off: its retransmission follows
  for (let i = 0; i < 4; i++) {
    await clock.advanceAsync(300);
    await settle();
  }
  return { clock, wire, safe, bus, devices, events, results, links, sentTypes, bridge, host, frameHex };
}

let stopAll: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopAll?.();
  stopAll = undefined;
});

describe('KeysafeBridge over a simulated key safe', () => {
  it('comes up on HELLO, records firmware, reads the audit buffer and forwards events once', async () => {
    const t = await rig();
    stopAll = () => t.bridge.stop();
    expect(t.bridge.status()).toMatchObject({
      phase: 'up',
      serial: SERIAL,
      firmware: '1.0.0',
      protocol: '1.2',
    });
    expect(t.devices.get('keysafe-1')?.link).toBe('up');
    const audit = t.events.filter((e) => e.kind === 'audit_records');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.data).toMatchObject({ firstSeq: 1 });
    expect((audit[0]!.data['records'] as unknown[])[0]).toMatchObject({ seq: 1, kind: 'power_on' });

    t.safe.setBattery(42);
    t.safe.openDoor();
    await settle();
    const forced = t.events.find((e) => e.kind === 'door_forced');
    expect(forced).toMatchObject({ deviceId: 'keysafe-1', priority: 'alarm' });
    expect(forced?.id).toBe(`ks-${SERIAL}-e${forced?.seq}`);
    expect(t.events.find((e) => e.kind === 'battery')?.data).toEqual({ percent: 42 });
    expect(t.devices.get('keysafe-1')?.battery).toBe(42);
    expect(t.events.filter((e) => e.kind === 'door_forced')).toHaveLength(1);
    // every forwarded event is valid against the topic map [MQTT-MAP §4.1.3]
    for (const e of t.events) {
      const r = validatePayload('events', toEnvelope('home-0042', e, e.id ?? 'generated-id'), {
        unknownProperties: 'reject',
      });
      expect(r.ok, `${e.kind}: ${r.ok ? '' : r.error.message}`).toBe(true);
    }
  });

  it('relays a server-signed command unchanged and answers with the device frame; a replay is refused', async () => {
    const t = await rig();
    stopAll = () => t.bridge.stop();
    const sync = t.host.sign({ kind: 'time_sync', newTime: Math.floor(t.clock.now() / 1000) });
    const hex = t.frameHex(sync);
    const expiresAt = t.clock.now() + 60_000;
    t.bus.emit('command', {
      transaction: 'tx-1',
      deviceId: 'keysafe-1',
      kind: 'keysafe_frame',
      expiresAt,
      frameHex: hex,
    });
    await settle();
    expect(t.results[0]).toMatchObject({ transaction: 'tx-1', status: 'ok' });
    // the answer is the device's COMMAND_RESULT frame, byte for byte
    const answer = Buffer.from(t.results[0]?.responseHex ?? '', 'hex');
    expect(answer[3]).toBe(KsType.CommandResult);
    expect(answer[5]).toBe(KsType.TimeSync);
    t.bus.emit('command', {
      transaction: 'tx-2',
      deviceId: 'keysafe-1',
      kind: 'keysafe_frame',
      expiresAt,
      frameHex: hex,
    });
    await settle();
    expect(t.results[1]).toMatchObject({ transaction: 'tx-2', status: 'refused', reason: 'COUNTER_REPLAY' });
    // the gateway sent only link frames, plain polls and the two relayed TIME_SYNCs
    const minted = t.sentTypes.filter((x) => x >= 0x40 && x <= 0x45);
    expect(minted).toEqual([KsType.TimeSync, KsType.TimeSync]);
  });

  it('refuses a key safe whose HELLO reports another serial', async () => {
    const t = await rig({ serial: 'KS-OTHER' });
    stopAll = () => t.bridge.stop();
    expect(t.bridge.status()).toMatchObject({ phase: 'refused', reason: 'wrong_serial' });
    t.safe.openDoor();
    await settle();
    expect(t.events.filter((e) => e.kind === 'door_forced')).toHaveLength(0);
  });

  it('answers commands with an error while the link is down, and reconnects with back-off after an unplug', async () => {
    const t = await rig();
    stopAll = () => t.bridge.stop();
    t.wire.unplug();
    await settle();
    expect(t.bridge.status().phase).toBe('down');
    expect(t.links.at(-1)).toMatchObject({ state: 'down' });
    t.bus.emit('command', {
      transaction: 'tx-down',
      deviceId: 'keysafe-1',
      kind: 'keysafe_frame',
      expiresAt: t.clock.now() + 60_000,
      frameHex: t.frameHex({ kind: 'status_poll' }),
    });
    expect(t.results.at(-1)).toMatchObject({ status: 'error', reason: 'BAKEN_ERR_KEYSAFE_LINK_DOWN' });
    // still unplugged: the reopen fails and the back-off grows
    await t.clock.advanceAsync(1_000);
    await settle();
    expect(t.bridge.status().phase).toBe('down');
    t.wire.replug();
    await t.wire.a.open();
    await t.clock.advanceAsync(2_000);
    await settle();
    // the device did not restart (no HELLO): the STATUS answer proves the link
    expect(t.bridge.status().phase).toBe('up');
    expect(t.bridge.status().reconnects).toBeGreaterThanOrEqual(2);
    t.safe.takeKey(1);
    await settle();
    expect(t.events.find((e) => e.kind === 'key_taken')?.data).toEqual({ hook: 1 });
  });

  it('marks the link stale when retransmissions are exhausted', async () => {
    const t = await rig();
    stopAll = () => t.bridge.stop();
    t.safe.powerOff();
    t.bridge.pollStatus();
    for (let i = 0; i < 5; i++) await t.clock.advanceAsync(300);
    await settle();
    expect(t.bridge.status()).toMatchObject({ phase: 'stale' });
    expect(t.devices.get('keysafe-1')?.link).toBe('stale');
  });
});
