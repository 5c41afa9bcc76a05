import type { PendantRefusalReason } from '@baken/protocols';
import type { DeviceKind, LinkState } from '../event-bus.js';

export interface DeviceState {
  deviceId: string;
  kind: DeviceKind;
  link: LinkState;
  /** Gateway clock (ms since epoch) of the last frame or advert, or `null` when never seen. */
  lastSeen: number | null;
  rssi: number | null;
  /** Battery in percent, or `null` when the device has not reported it. */
  battery: number | null;
  /** Firmware version the device reported (key safe HELLO), or `null` when not known yet. */
  firmware: string | null;
  /** Times a wired/BLE link was reopened after it was lost (key safes); absent when never. */
  reopens?: number;
  /** Pendants: adverts refused since the unit started, by reason [PENDANT SPEC §5.2]; absent when none. */
  refused?: Partial<Record<PendantRefusalReason, number>>;
}

export type DeviceStatePatch = Partial<Omit<DeviceState, 'deviceId' | 'kind'>>;

/** Unit-level counters the bridges bump [MQTT-MAP §4.3 `scan`]. */
export interface DeviceCounters {
  scanRestarts: number;
  unknownDevicesIgnored: number;
}

/**
 * The BLE scan as the pendant bridge last saw it; `error` names why it is not running. The scan
 * watchdog adds its adapter power cycles and its last recovery step [MQTT-MAP §4.3 `scan`].
 */
export interface ScanState {
  running: boolean;
  error: string | null;
  adapterResets: number;
  /** `restart: …` or `adapter_reset: …` with the evidence that led to it; null before any. */
  lastResetReason: string | null;
  /** When that step was taken (ms since epoch). */
  lastResetAt: number | null;
}

/**
 * What the gateway knows about its paired devices right now: bridges register their devices and
 * update link state, last-seen, RSSI and battery; the heartbeat and `status` read it; the command
 * relay refuses commands for devices not registered here. Also holds the unit-level counters that
 * bridges bump (scan restarts, unknown devices ignored) and the BLE scan state the pendant bridge
 * keeps current (heartbeat `scan.running`).
 */
export class DeviceRegistry {
  readonly #devices = new Map<string, DeviceState>();
  readonly counters: DeviceCounters = { scanRestarts: 0, unknownDevicesIgnored: 0 };
  readonly scan: ScanState = {
    running: false,
    error: null,
    adapterResets: 0,
    lastResetReason: null,
    lastResetAt: null,
  };

  register(deviceId: string, kind: DeviceKind): DeviceState {
    const existing = this.#devices.get(deviceId);
    if (existing) return existing;
    const state: DeviceState = {
      deviceId,
      kind,
      link: 'unknown',
      lastSeen: null,
      rssi: null,
      battery: null,
      firmware: null,
    };
    this.#devices.set(deviceId, state);
    return state;
  }

  unregister(deviceId: string): boolean {
    return this.#devices.delete(deviceId);
  }

  /** Updates a registered device; returns false (and changes nothing) for an unknown id. */
  update(deviceId: string, patch: DeviceStatePatch): boolean {
    const state = this.#devices.get(deviceId);
    if (!state) return false;
    Object.assign(state, patch);
    return true;
  }

  has(deviceId: string): boolean {
    return this.#devices.has(deviceId);
  }

  get(deviceId: string): Readonly<DeviceState> | undefined {
    const s = this.#devices.get(deviceId);
    return s ? { ...s } : undefined;
  }

  list(): DeviceState[] {
    return [...this.#devices.values()].map((s) => ({ ...s }));
  }
}
