import type { PendantPairingLookup } from '@baken/protocols';
import type { GatewayConfig } from '../config/schema.js';
import type { ServerConfig } from '../event-bus.js';

/** One paired pendant as the bridge needs it. Holds the advert key: never log it. */
export interface PendantRegistration {
  /** Device id as registered on the server (the event's `deviceId`). */
  deviceId: string;
  /** Advertiser address `AA:BB:CC:DD:EE:FF`, upper case. */
  address: string;
  format: 'baken' | 'bthome';
  /** BTHome bind key (16 bytes) or Baken per-pendant key (≥ 16 bytes) [PENDANT SPEC §2.5, §3.3]. */
  key?: Uint8Array;
}

/**
 * The pendants this home serves: those in the local config file (`devices[kind=pendant]`, paired on
 * site, unencrypted BTHome unless the server adds a key) merged with the server's retained `config`
 * [MQTT-MAP §4.7], which wins for a device id present in both (it carries format and key).
 */
export class PendantRegistry implements PendantPairingLookup {
  #local: PendantRegistration[] = [];
  #server: PendantRegistration[] = [];
  #byAddress = new Map<string, PendantRegistration>();
  /** Baken advert device id (12 lower-case hex) → registration [PENDANT SPEC §3.1]. */
  #byBakenId = new Map<string, PendantRegistration>();

  setLocal(config: GatewayConfig): void {
    this.#local = config.devices
      .filter((d) => d.kind === 'pendant' && d.address !== undefined)
      .map((d) => ({ deviceId: d.id, address: (d.address as string).toUpperCase(), format: 'bthome' }));
    this.#rebuild();
  }

  setServer(config: ServerConfig): void {
    this.setServerPendants(config.pendants);
  }

  /** The server's pendants (from its `config`, or as saved in the vault before a restart). */
  setServerPendants(pendants: ServerConfig['pendants']): void {
    this.#server = pendants.map((p) => ({
      deviceId: p.deviceId,
      address: p.address.toUpperCase(),
      format: p.format,
      ...(p.keyHex === undefined ? {} : { key: Uint8Array.from(Buffer.from(p.keyHex, 'hex')) }),
    }));
    this.#rebuild();
  }

  #rebuild(): void {
    const byId = new Map<string, PendantRegistration>();
    for (const r of [...this.#local, ...this.#server]) byId.set(r.deviceId, r);
    this.#byAddress = new Map();
    this.#byBakenId = new Map();
    for (const r of byId.values()) {
      this.#byAddress.set(r.address, r);
      this.#byBakenId.set(r.address.replaceAll(':', '').toLowerCase(), r);
    }
  }

  byAddress(address: string): PendantRegistration | undefined {
    return this.#byAddress.get(address.toUpperCase());
  }

  /** Lookup for `decodeBakenAdvert`: the advert's device id is the pendant's address as 12 hex digits. */
  bakenKey(bakenDeviceId: string): Uint8Array | undefined {
    return this.#byBakenId.get(bakenDeviceId)?.key;
  }

  byBakenId(bakenDeviceId: string): PendantRegistration | undefined {
    return this.#byBakenId.get(bakenDeviceId);
  }

  list(): PendantRegistration[] {
    return [...this.#byAddress.values()];
  }
}
