import type { PendantOutcome, PendantRefusalReason } from '@baken/protocols';
import type { Logger } from 'pino';
import type { DeviceRegistry } from '../devices/device-registry.js';

type Refused = Extract<PendantOutcome, { type: 'refused' }>;

/**
 * Counts refused adverts per device and reason into the device registry, from where the heartbeat
 * reports them (`devices[].refused`, MQTT-MAP §4.3) and the server raises a `possible_spoofing`
 * warning [PENDANT SPEC §5.2]. Logs the 1st, 10th, 100th, … refusal of each (device, reason), so a
 * flood of forged adverts cannot flood the log.
 */
export class PendantRefusals {
  readonly #devices: DeviceRegistry;
  readonly #log: Logger;
  readonly #stats: { refused: number };

  constructor(devices: DeviceRegistry, log: Logger, stats: { refused: number }) {
    this.#devices = devices;
    this.#log = log;
    this.#stats = stats;
  }

  count(o: Refused): void {
    this.#stats.refused += 1;
    this.#devices.register(o.deviceId, 'pendant');
    const before: Partial<Record<PendantRefusalReason, number>> =
      this.#devices.get(o.deviceId)?.refused ?? {};
    const n = (before[o.reason] ?? 0) + 1;
    this.#devices.update(o.deviceId, { refused: { ...before, [o.reason]: n } });
    if (Number.isInteger(Math.log10(n))) {
      this.#log.warn(
        { deviceId: o.deviceId, mode: o.mode, reason: o.reason, code: o.code, count: n },
        'pendant advert refused: possible spoofing at this home',
      );
    }
  }
}
