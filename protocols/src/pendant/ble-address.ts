/** BLE device addresses as text "AA:BB:CC:DD:EE:FF" (upper case, most significant byte first). */

const ADDRESS_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Parses an address to its 6 bytes in display order, or null when malformed. */
export function parseBleAddress(address: string): Uint8Array | null {
  if (!ADDRESS_RE.test(address)) return null;
  return Uint8Array.from(address.split(':').map((h) => Number.parseInt(h, 16)));
}

export function formatBleAddress(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join(':')
    .toUpperCase();
}
