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
}

export type DeviceStatePatch = Partial<Omit<DeviceState, 'deviceId' | 'kind'>>;

/**
 * What the gateway knows about its paired devices right now: bridges register their devices and
 * update link state, last-seen, RSSI and battery; the heartbeat and `status` read it; the command
 * relay refuses commands for devices not registered here. Also holds the unit-level counters that
 * bridges bump (scan restarts, unknown devices ignored).
 */
export class DeviceRegistry {
  readonly #devices = new Map<string, DeviceState>();
  readonly counters = { scanRestarts: 0, unknownDevicesIgnored: 0 };

  register(deviceId: string, kind: DeviceKind): DeviceState {
    const existing = this.#devices.get(deviceId);
    if (existing) return existing;
    const state: DeviceState = { deviceId, kind, link: 'unknown', lastSeen: null, rssi: null, battery: null };
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
