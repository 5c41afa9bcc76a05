export interface PendantPairing {
  /** Registry id of the pendant. */
  deviceId: string;
  address: string;
  format: 'bthome' | 'baken';
  /** The advert key in clear — only for building a gateway's config; never returned by the API. */
  key: Uint8Array | null;
}

/**
 * Pairings of pendants to their BLE address, advert format and key. Both bindings store the key
 * sealed under the master key, bound to the pendant's id (`pendant-pairing-rows.ts`); the address
 * is stored upper-case. One pairing per pendant: `upsert` replaces it in one statement.
 */
export interface PendantPairingRepository {
  upsert(p: PendantPairing, by: string, now: number): Promise<void>;
  get(deviceId: string): Promise<PendantPairing | null>;
}
