/**
 * The CRC of SIA DC-09 — [DC09 SPEC §2.2]: CRC-16/ARC (reveng catalogue name; also called "CRC-16",
 * "CRC-16/LHA", the CRC of SIA DC-07).
 *
 * width 16, poly 0x8005 (reflected 0xA001), init 0x0000, refin true, refout true, xorout 0x0000,
 * check ("123456789") 0xBB3D. It covers the frame from the opening quote of the id token up to, not
 * including, the CR.
 */
const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let b = 0; b < 8; b++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

export const DC09_CRC_CHECK = 0xbb3d;

/** CRC-16/ARC over `bytes[start, end)`; total for any input. */
export function dc09Crc(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Four upper-case hex digits, zero-padded — the CRC and length fields of a frame [DC09 SPEC §2.1]. */
export function dc09Hex4(n: number): string {
  return (n & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}
