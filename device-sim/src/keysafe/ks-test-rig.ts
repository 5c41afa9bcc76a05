import { MockClock, MockSerialWire, yieldToEventLoop } from '@baken/hardware';
import { type KsAuthCommand, KsCodeKind, type KsMessage } from '@baken/protocols';
import { KeySafe } from './key-safe.js';
import type { KeySafeOptions } from './key-safe-config.js';
import { KsTestHost } from './ks-host.js';
import { MemoryNvStore, type NvStore } from './nv-store.js';
import { attachSerial } from './transports.js';

export const RIG_KEY = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
export const RIG_SERIAL = 'KS-SIM-0001';
/** Installation secret of a rig safe made with `installSecret` (KS-SERIAL §8.8). */
export const RIG_INSTALL_SECRET = new Uint8Array(16).map((_, i) => (i * 13 + 1) & 0xff);

export interface KsRig {
  clock: MockClock;
  wire: MockSerialWire;
  safe: KeySafe;
  host: KsTestHost;
  nv: NvStore;
  /** Lets microtask deliveries and replies run (no time passes). */
  settle(): Promise<void>;
  /** Sends a command and settles; returns the NAK reason or 0 when ACKed. */
  command(cmd: KsAuthCommand): Promise<number>;
  deviceNow(): number;
  /** Stores an offline-code key in `slot` via an authenticated SET_CODE. */
  setOfflineKey(
    slot: number,
    holderId: number,
    codeKey: Uint8Array,
    validFrom?: number,
    validUntil?: number,
  ): Promise<number>;
}

/**
 * A key safe and a test host joined by a mock serial cable on a mock clock (test support, exported
 * for other parts' tests too).
 */
export async function createKsRig(overrides: Partial<KeySafeOptions> = {}): Promise<KsRig> {
  const clock = (overrides.clock as MockClock | undefined) ?? new MockClock();
  const wire = new MockSerialWire({ pathA: '/dev/mock-keysafe', pathB: '/dev/mock-host' });
  await wire.a.open();
  await wire.b.open();
  const nv = overrides.nv ?? new MemoryNvStore();
  const safe = new KeySafe({ serial: RIG_SERIAL, key: RIG_KEY, ...overrides, clock, nv });
  const host = new KsTestHost({ clock, key: RIG_KEY, serial: RIG_SERIAL });
  attachSerial(safe, wire.a);
  attachSerial(host, wire.b);
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await yieldToEventLoop();
  };
  const rig: KsRig = {
    clock,
    wire,
    safe,
    host,
    nv,
    settle,
    deviceNow: () => safe.rtc.nowSeconds(),
    async command(cmd) {
      const tag = host.send(cmd as KsMessage);
      await settle();
      const outcome = host.outcomes.find((o) => o.tag === tag);
      return outcome?.kind === 'refused' ? outcome.reason : 0;
    },
    async setOfflineKey(slot, holderId, codeKey, validFrom, validUntil) {
      const now = safe.rtc.nowSeconds();
      const counter = host.nextCounter();
      const cmd = host.sign(
        {
          kind: 'set_code',
          slot,
          holderId,
          validFrom: validFrom ?? now - 60,
          validUntil: validUntil ?? now + 30 * 86_400,
          codeKind: KsCodeKind.OfflineCodeKey,
          oneTime: false,
          sealed: host.seal(counter, codeKey),
        },
        { counter, deviceNow: now },
      );
      return rig.command(cmd);
    },
  };
  safe.powerOn();
  await settle();
  return rig;
}
