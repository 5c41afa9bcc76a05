import { createCipheriv, createDecipheriv } from 'node:crypto';

/** BTHome service UUID 0xFCD2 as it sits in the nonce: little-endian [PENDANT SPEC §2.5]. */
const UUID_LE = Uint8Array.of(0xd2, 0xfc);
export const BTHOME_MIC_BYTES = 4;

/** nonce = address (6, display order) || D2 FC || device-info || counter (4, LE) [PENDANT SPEC §2.5]. */
export function bthomeNonce(address: Uint8Array, deviceInfo: number, counter: number): Buffer {
  const nonce = Buffer.alloc(13);
  nonce.set(address, 0);
  nonce.set(UUID_LE, 6);
  nonce[8] = deviceInfo;
  nonce.writeUInt32LE(counter, 9);
  return nonce;
}

/** AES-128-CCM, 4-byte MIC, no associated data. Returns ciphertext and MIC. */
export function bthomeSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plain: Uint8Array,
): { ciphertext: Buffer; mic: Buffer } {
  const cipher = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: BTHOME_MIC_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { ciphertext, mic: cipher.getAuthTag() };
}

/** Opens a sealed payload; null when the MIC does not verify (wrong key, address or tampering). */
export function bthomeOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  mic: Uint8Array,
): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: BTHOME_MIC_BYTES });
    decipher.setAuthTag(mic);
    const plain = decipher.update(ciphertext);
    decipher.final();
    return plain;
  } catch {
    return null;
  }
}
