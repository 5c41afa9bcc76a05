export interface PendantPairing {
  /** Registry id of the pendant. */
  deviceId: string;
  address: string;
  format: 'bthome' | 'baken';
  /** The advert key in clear — only for building a gateway's config; never returned by the API. */
  key: Uint8Array | null;
}

/** Pairings of pendants to their BLE address, advert format and (sealed) key. */
export interface PendantPairingRepository {
  upsert(p: PendantPairing, by: string, now: number): void;
  get(deviceId: string): PendantPairing | null;
}
