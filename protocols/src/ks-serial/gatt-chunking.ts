/**
 * KS-SERIAL over BLE GATT — [KS-SERIAL §11]. The same frames travel as a byte stream: the writer splits
 * encoded bytes into chunks of at most `maxChunk` bytes (20 = default ATT MTU 23 − 3), one per write or
 * notification; the reader pushes each chunk into a `KsDeframer`, which reassembles them.
 */
export const KS_GATT_SERVICE_UUID = '6b5a0001-5e1d-4c2b-9a7e-3b1f0c9d8e21';
/** Home unit → key safe: write without response. */
export const KS_GATT_RX_CHAR_UUID = '6b5a0002-5e1d-4c2b-9a7e-3b1f0c9d8e21';
/** Key safe → home unit: notify. */
export const KS_GATT_TX_CHAR_UUID = '6b5a0003-5e1d-4c2b-9a7e-3b1f0c9d8e21';
export const KS_GATT_MAX_CHUNK = 20;

/** Split bytes into consecutive chunks of at most `maxChunk` (≥ 1) bytes; empty input gives none. */
export function ksChunkForGatt(bytes: Uint8Array, maxChunk: number = KS_GATT_MAX_CHUNK): Uint8Array[] {
  const size = Math.max(1, Math.floor(maxChunk));
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}
