import type { MqttDeviceKind } from '@baken/protocols';

/**
 * The installation check's trial window [MQTT-MAP §4.1.1]: while one is open, events of the device
 * kinds it names leave the unit marked `trial: true` — the technician's trial presses are stored
 * and acknowledged by the server but never raise an alarm. The mark is set when the event enters
 * the outbox, so it holds however late the event is delivered.
 */
export class TrialMode {
  readonly #open = new Set<ReadonlySet<MqttDeviceKind>>();

  /** Opens a trial window for `deviceKinds`; returns the function that closes it (idempotent). */
  begin(deviceKinds: readonly MqttDeviceKind[]): () => void {
    const kinds: ReadonlySet<MqttDeviceKind> = new Set(deviceKinds);
    this.#open.add(kinds);
    return () => {
      this.#open.delete(kinds);
    };
  }

  /** Whether an event of this device kind is a trial now. */
  covers(deviceKind: MqttDeviceKind): boolean {
    for (const kinds of this.#open) if (kinds.has(deviceKind)) return true;
    return false;
  }
}
