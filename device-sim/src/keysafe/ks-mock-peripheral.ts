import { MockGattPeripheral } from '@baken/hardware';
import { KS_GATT_SERVICE_UUID } from '@baken/protocols';
import type { KeySafe } from './key-safe.js';
import { attachGattNotifier, ksGattServiceSpec } from './transports.js';

/**
 * The key safe's KS-SERIAL GATT service on the in-memory air: a `MockGattPeripheral` that tells the
 * firmware when a central connects, so the link restarts with HELLO — [KS-SERIAL §6, §11].
 */
export class KsMockPeripheral extends MockGattPeripheral {
  readonly #safe: KeySafe;

  constructor(address: string, safe: KeySafe) {
    super(address, [ksGattServiceSpec(safe)]);
    this.#safe = safe;
    attachGattNotifier(safe, (c, v) => this.notify(KS_GATT_SERVICE_UUID, c, v));
  }

  override _attach(): boolean {
    const attached = super._attach();
    if (attached) queueMicrotask(() => this.#safe.bleConnected());
    return attached;
  }
}
