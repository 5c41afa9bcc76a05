import { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { MemoryNvStore } from '@baken/device-sim/keysafe/nv-store';
import { attachGattNotifier, ksGattServiceSpec } from '@baken/device-sim/keysafe/transports';
import { MockClock, MockGattLink, MockGattPeripheral, yieldToEventLoop } from '@baken/hardware';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../devices/device-registry.js';
import { type DeviceEvent, GatewayBus } from '../event-bus.js';
import { GattFrameTransport } from './frame-transport.js';
import { KeysafeBridge } from './keysafe-bridge.js';

const ADDRESS = 'C0:FF:EE:00:00:01';
const SERIAL = 'KS-GATT-0001';

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i++) await yieldToEventLoop();
}

describe('KeysafeBridge over BLE GATT (frames chunked into ≤ 20-byte writes and notifications)', () => {
  it('comes up on HELLO, reads the audit buffer, forwards events, and reconnects after a link loss', async () => {
    const clock = new MockClock();
    const safe = new KeySafe({ serial: SERIAL, key: new Uint8Array(32), clock, nv: new MemoryNvStore() });
    const peripheral = new MockGattPeripheral(ADDRESS, [ksGattServiceSpec(safe)]);
    attachGattNotifier(safe, (c, v) => peripheral.notify('6b5a0001-5e1d-4c2b-9a7e-3b1f0c9d8e21', c, v));
    const bus = new GatewayBus((_e, err) => {
      throw err;
    });
    const devices = new DeviceRegistry();
    const events: DeviceEvent[] = [];
    bus.on('device-event', (e) => events.push(e));
    const bridge = new KeysafeBridge(
      {
        bus,
        devices,
        clock,
        logger: pino({ level: 'silent' }),
        transport: new GattFrameTransport(new MockGattLink(peripheral)),
      },
      { deviceId: SERIAL, serial: SERIAL, random: () => 0.5, reconnect: { initialMs: 1_000, maxMs: 4_000 } },
    );
    try {
      await bridge.start();
      await settle();
      // [KS-SERIAL §6] a key safe sends HELLO on every BLE connection
      safe.powerOn();
      await settle();
      for (let i = 0; i < 4; i++) {
        await clock.advanceAsync(1_500);
        await settle();
      }
      expect(bridge.status()).toMatchObject({ phase: 'up', serial: SERIAL });
      // audit records are 32 bytes each: AUDIT_RECORDS frames span several notifications
      expect(events.some((e) => e.kind === 'audit_records')).toBe(true);
      safe.setTamper(1);
      await settle();
      expect(events.find((e) => e.kind === 'tamper')).toMatchObject({
        priority: 'alarm',
        data: { source: 'case_opened' },
      });

      peripheral.dropLink();
      await settle();
      expect(bridge.status().phase).toBe('down');
      await clock.advanceAsync(1_000);
      await settle();
      for (let i = 0; i < 4; i++) {
        await clock.advanceAsync(1_500);
        await settle();
      }
      expect(bridge.status().phase).toBe('up');
    } finally {
      await bridge.stop();
    }
  });
});
