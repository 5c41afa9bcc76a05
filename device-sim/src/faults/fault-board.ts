import type { Clock, FaultySerialLink, MockGattPeripheral } from '@baken/hardware';
import { SimError } from '../errors.js';
import type { KeySafe } from '../keysafe/key-safe.js';
import type { Pendant } from '../pendant/pendant.js';

/** Every fault switch, by name (CLI `fault <name> on|off`, scenario `fault:` steps). */
export const FAULT_NAMES = [
  'noise',
  'drop',
  'unplug',
  'power',
  'brownout',
  'rtc-lost',
  'ble-range',
  'battery-dead',
  'drift',
  'mute',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultTargets {
  clock: Clock;
  safe?: KeySafe;
  pendants?: Pendant[];
  /** Device-side wrapper of the key safe's serial link. */
  serial?: FaultySerialLink;
  gatt?: MockGattPeripheral;
  /** Default parameter per fault: byte rate for noise/drop (0.01), ppm for drift (500), brown-out ms (500). */
  defaults?: Partial<Record<FaultName, number>>;
}

const DEFAULTS: Record<string, number> = { noise: 0.01, drop: 0.01, drift: 500, brownout: 500 };

/**
 * Run-time fault switches of a simulated home. `set(name, true, param)` turns a fault on,
 * `set(name, false)` off; `active()` lists what is on. Faults act on the device models and their
 * transports, never on the system under test.
 */
export class FaultBoard {
  readonly #t: FaultTargets;
  readonly #on = new Map<FaultName, number>();

  constructor(targets: FaultTargets) {
    this.#t = targets;
  }

  active(): Record<string, number> {
    return Object.fromEntries(this.#on);
  }

  set(name: string, on: boolean, param?: number): void {
    if (!(FAULT_NAMES as readonly string[]).includes(name)) {
      throw new SimError(
        'BAKEN_ERR_SIM_CONFIG',
        `unknown fault '${name}' (known: ${FAULT_NAMES.join(', ')})`,
      );
    }
    const fault = name as FaultName;
    const value = param ?? this.#t.defaults?.[fault] ?? DEFAULTS[fault] ?? 1;
    if (on) this.#on.set(fault, value);
    else this.#on.delete(fault);
    const { safe, serial, gatt } = this.#t;
    switch (fault) {
      case 'noise':
        serial?.setFaults({ corruptRate: on ? value : 0 });
        break;
      case 'drop':
        serial?.setFaults({ dropRate: on ? value : 0 });
        break;
      case 'unplug':
        if (on) serial?.unplug();
        else if (serial !== undefined) {
          serial.replug();
          void serial.open().catch(() => undefined);
        }
        break;
      case 'power':
      case 'rtc-lost':
        if (on) safe?.powerOff({ rtcLost: fault === 'rtc-lost' });
        else safe?.powerOn();
        break;
      case 'brownout':
        if (on && safe !== undefined) {
          safe.powerOff();
          this.#t.clock.setTimeout(() => safe.powerOn(), value, { unref: true });
          this.#on.delete(fault);
        }
        break;
      case 'ble-range':
        for (const p of this.#t.pendants ?? []) p.setInRange(!on);
        gatt?.setInRange(!on);
        break;
      case 'battery-dead':
        for (const p of this.#t.pendants ?? []) p.setBattery(on ? 0 : 100);
        if (safe !== undefined) {
          if (on) {
            safe.battery = 0;
            safe.mains = false;
            safe.powerOff();
          } else {
            safe.battery = 100;
            safe.powerOn();
          }
        }
        break;
      case 'drift':
        safe?.rtc.setDrift(on ? value : 0);
        break;
      case 'mute':
        if (safe !== undefined) safe.muted = on;
        break;
    }
  }
}
