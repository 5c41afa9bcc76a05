import { openSecret, sealSecret } from '../../auth/sealed-secret.js';
import type { PendantPairing } from './pendant-pairings.js';

/** A `pendant_pairings` row as both bindings read it (SQLite migration 090, PostgreSQL 060). */
export interface PendantPairingRow {
  device_id: string;
  address: string;
  format: 'bthome' | 'baken';
  key_sealed: string | null;
}

/** The key sealed with AES-256-GCM under the master key, bound to the pendant id. */
export function toPairingRow(master: Buffer, p: PendantPairing): PendantPairingRow {
  return {
    device_id: p.deviceId,
    address: p.address.toUpperCase(),
    format: p.format,
    key_sealed: p.key ? sealSecret(master, `pendant:${p.deviceId}`, p.key) : null,
  };
}

export function toPairing(master: Buffer, r: PendantPairingRow): PendantPairing {
  return {
    deviceId: r.device_id,
    address: r.address,
    format: r.format,
    key: r.key_sealed ? openSecret(master, `pendant:${r.device_id}`, r.key_sealed) : null,
  };
}
