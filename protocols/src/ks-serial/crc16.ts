/**
 * CRC-16/CCITT-FALSE (catalogued by reveng as CRC-16/IBM-3740) — [KS-SERIAL §3.3].
 *
 * width 16, poly 0x1021, init 0xFFFF, refin false, refout false, xorout 0x0000,
 * check ("123456789") 0x29B1.
 */
const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

export const KS_CRC16_CHECK = 0x29b1;

/** CRC over `bytes[start, end)`; total for any input. */
export function ksCrc16(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  }
  return crc;
}
