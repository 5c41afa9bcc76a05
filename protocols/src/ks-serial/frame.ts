import { fail, ok, type Result } from '../errors.js';
import { ksCrc16 } from './crc16.js';

/**
 * One KS-SERIAL frame — [KS-SERIAL §3.1]:
 *
 *   SOF 0xA5 | LEN u16 | TYPE u8 | SEQ u8 | PAYLOAD (LEN bytes) | CRC-16 u16
 *
 * CRC-16/CCITT-FALSE over LEN..PAYLOAD (everything but SOF and the CRC), big-endian.
 */
export interface KsFrame {
  type: number;
  seq: number;
  payload: Uint8Array;
}

export const KS_SOF = 0xa5;
/** [KS-SERIAL §3.4] */
export const KS_MAX_PAYLOAD = 256;
/** SOF + LEN + TYPE + SEQ. */
export const KS_HEADER_SIZE = 5;
export const KS_FRAME_OVERHEAD = KS_HEADER_SIZE + 2;
export const KS_MAX_FRAME = KS_MAX_PAYLOAD + KS_FRAME_OVERHEAD;

const isU8 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xff;

export function ksEncodeFrame(frame: KsFrame): Result<Uint8Array> {
  if (!isU8(frame.type) || !isU8(frame.seq)) {
    return fail('BAKEN_ERR_MESSAGE_TYPE', 'frame type and seq must be u8', {
      type: frame.type,
      seq: frame.seq,
    });
  }
  const len = frame.payload.length;
  if (len > KS_MAX_PAYLOAD) {
    return fail('BAKEN_ERR_FRAME_TOO_LONG', `payload of ${len} bytes exceeds ${KS_MAX_PAYLOAD}`, { len });
  }
  const out = new Uint8Array(len + KS_FRAME_OVERHEAD);
  out[0] = KS_SOF;
  out[1] = len >> 8;
  out[2] = len & 0xff;
  out[3] = frame.type;
  out[4] = frame.seq;
  out.set(frame.payload, KS_HEADER_SIZE);
  const crc = ksCrc16(out, 1, KS_HEADER_SIZE + len);
  out[KS_HEADER_SIZE + len] = crc >> 8;
  out[KS_HEADER_SIZE + len + 1] = crc & 0xff;
  return ok(out);
}

/** Decode exactly one frame occupying all of `bytes`. Total: never throws. */
export function ksDecodeFrame(bytes: Uint8Array): Result<KsFrame> {
  if (bytes.length < KS_FRAME_OVERHEAD) {
    return fail('BAKEN_ERR_FRAME_TOO_SHORT', `frame of ${bytes.length} bytes is shorter than 7`);
  }
  if (bytes[0] !== KS_SOF) return fail('BAKEN_ERR_FRAME_START', 'frame does not start with 0xA5');
  const len = (bytes[1]! << 8) | bytes[2]!;
  if (len > KS_MAX_PAYLOAD) {
    return fail('BAKEN_ERR_FRAME_TOO_LONG', `declared payload ${len} exceeds ${KS_MAX_PAYLOAD}`, { len });
  }
  if (bytes.length !== len + KS_FRAME_OVERHEAD) {
    return fail('BAKEN_ERR_FRAME_LENGTH', 'frame length does not match LEN', { len, actual: bytes.length });
  }
  const crc = (bytes[KS_HEADER_SIZE + len]! << 8) | bytes[KS_HEADER_SIZE + len + 1]!;
  const computed = ksCrc16(bytes, 1, KS_HEADER_SIZE + len);
  if (crc !== computed) return fail('BAKEN_ERR_FRAME_CRC', 'CRC mismatch', { crc, computed });
  return ok({ type: bytes[3]!, seq: bytes[4]!, payload: bytes.slice(KS_HEADER_SIZE, KS_HEADER_SIZE + len) });
}
