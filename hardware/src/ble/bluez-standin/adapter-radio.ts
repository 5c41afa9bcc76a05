import { type AdapterIface, bluezError, emitChanged } from './interfaces.js';

/**
 * Faults of a real adapter the stand-in can put on (field notes: discovery that stalls or answers
 * `InProgress` until the adapter is power-cycled):
 * - `in-progress`: StartDiscovery answers `org.bluez.Error.InProgress`;
 * - `stalled`: discovery reports running but hears nothing.
 * Both last until the adapter is powered off (Adapter1 `Powered` false).
 */
export type AdapterFault = 'in-progress' | 'stalled';

/**
 * The simulated radio behind Adapter1: power, BlueZ's per-client discovery count, and the injected
 * fault (BlueZ doc/adapter-api.txt). Powering off ends every client's discovery, as BlueZ does;
 * StartDiscovery on a powered-off adapter answers `NotReady`.
 */
export class AdapterRadio {
  readonly #iface: AdapterIface;
  readonly #onHearing: () => void;
  #clients = 0;
  #fault: AdapterFault | undefined;

  /** `onHearing` runs when the radio starts hearing devices (discovery begins). */
  constructor(iface: AdapterIface, onHearing: () => void) {
    this.#iface = iface;
    this.#onHearing = onHearing;
  }

  /** Whether an advertising device in range is heard now. */
  get hearing(): boolean {
    return this.#iface.poweredState && this.#clients > 0 && this.#fault !== 'stalled';
  }

  get powered(): boolean {
    return this.#iface.poweredState;
  }

  inject(fault: AdapterFault | undefined): void {
    this.#fault = fault;
  }

  startDiscovery(): void {
    if (!this.#iface.poweredState) throw bluezError('NotReady', 'Resource Not Ready');
    if (this.#fault === 'in-progress') throw bluezError('InProgress', 'Operation already in progress');
    this.#clients++;
    if (this.#clients > 1) return;
    this.#setDiscovering(true);
    this.#onHearing();
  }

  stopDiscovery(): void {
    if (this.#clients === 0) throw bluezError('Failed', 'No discovery started');
    this.#clients--;
    if (this.#clients === 0) this.#setDiscovering(false);
  }

  setPowered(on: boolean): void {
    if (on === this.#iface.poweredState) return;
    if (!on) {
      this.#clients = 0;
      this.#fault = undefined;
      if (this.#iface.Discovering) this.#setDiscovering(false);
    }
    this.#iface.poweredState = on;
    emitChanged(this.#iface, { Powered: on });
  }

  #setDiscovering(on: boolean): void {
    this.#iface.Discovering = on;
    emitChanged(this.#iface, { Discovering: on });
  }
}
