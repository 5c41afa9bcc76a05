import { ksCrc16 } from './crc16.js';
import { KS_FRAME_OVERHEAD, KS_HEADER_SIZE, KS_MAX_PAYLOAD, KS_SOF, type KsFrame } from './frame.js';

export interface KsDeframerCounters {
  /** Frames with a valid CRC returned by `push`. */
  framesOk: number;
  /** Candidate frames (SOF + plausible LEN, complete) whose CRC did not match. */
  badCrc: number;
  /** Bytes discarded while hunting for a start of frame. */
  garbageBytes: number;
  /** Candidates whose LEN exceeded the maximum payload. */
  oversize: number;
}

export interface KsDeframerOptions {
  /**
   * Called for each candidate with a bad CRC, with the TYPE and SEQ bytes as received (untrusted),
   * so a receiver can answer NAK BAD_CRC — [KS-SERIAL §4.3].
   */
  onBadCrc?: (seq: number, type: number) => void;
}

/**
 * Stream deframer — [KS-SERIAL §3.5]. Feed it bytes in any chunking (serial reads, BLE notifications);
 * it returns every complete frame with a valid CRC, in order, and never returns a corrupted one.
 *
 * Recovery: a candidate that fails (oversize LEN, bad CRC) costs only its SOF byte; the hunt restarts
 * at the next byte, so a real frame that a false SOF overlapped is still found. While a candidate is
 * incomplete, a complete valid frame that starts later in the buffer wins (a false SOF with a large
 * LEN must not hold real frames hostage until LEN bytes arrive).
 */
export class KsDeframer {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly counters: KsDeframerCounters = { framesOk: 0, badCrc: 0, garbageBytes: 0, oversize: 0 };
  private readonly onBadCrc: ((seq: number, type: number) => void) | undefined;

  constructor(options: KsDeframerOptions = {}) {
    this.onBadCrc = options.onBadCrc;
  }

  get stats(): Readonly<KsDeframerCounters> {
    return { ...this.counters };
  }

  /** Bytes held while waiting for the rest of a candidate frame. */
  get pending(): number {
    return this.buf.length;
  }

  /** Drop any partial frame (e.g. after the transport reopened); counts it as garbage. */
  reset(): void {
    this.counters.garbageBytes += this.buf.length;
    this.buf = new Uint8Array(0);
  }

  push(bytes: Uint8Array): KsFrame[] {
    const joined = new Uint8Array(this.buf.length + bytes.length);
    joined.set(this.buf, 0);
    joined.set(bytes, this.buf.length);
    const frames: KsFrame[] = [];
    let pos = 0;
    while (pos < joined.length) {
      const sof = joined.indexOf(KS_SOF, pos);
      if (sof < 0) {
        this.counters.garbageBytes += joined.length - pos;
        pos = joined.length;
        break;
      }
      this.counters.garbageBytes += sof - pos;
      pos = sof;
      const r = this.tryAt(joined, pos, true);
      if (r.kind === 'frame') {
        frames.push(r.frame);
        this.counters.framesOk++;
        pos = r.end;
      } else if (r.kind === 'reject') {
        this.counters.garbageBytes++;
        pos++;
      } else {
        const later = this.findCompleteLater(joined, pos + 1);
        if (later < 0) break;
        this.counters.garbageBytes += later - pos;
        pos = later;
      }
    }
    this.buf = joined.slice(pos);
    return frames;
  }

  private findCompleteLater(buf: Uint8Array, from: number): number {
    for (let at = buf.indexOf(KS_SOF, from); at >= 0; at = buf.indexOf(KS_SOF, at + 1)) {
      if (this.tryAt(buf, at, false).kind === 'frame') return at;
    }
    return -1;
  }

  /** Inspect a candidate at `at`; `count` false means a dry run (no counters, no callback). */
  private tryAt(
    buf: Uint8Array,
    at: number,
    count: boolean,
  ): { kind: 'frame'; frame: KsFrame; end: number } | { kind: 'reject' } | { kind: 'incomplete' } {
    if (buf.length - at < 3) return { kind: 'incomplete' };
    const len = (buf[at + 1]! << 8) | buf[at + 2]!;
    // [KS-SERIAL §3.4] LEN above the maximum is never a frame.
    if (len > KS_MAX_PAYLOAD) {
      if (count) this.counters.oversize++;
      return { kind: 'reject' };
    }
    const end = at + len + KS_FRAME_OVERHEAD;
    if (buf.length < end) return { kind: 'incomplete' };
    const crc = (buf[end - 2]! << 8) | buf[end - 1]!;
    if (crc !== ksCrc16(buf, at + 1, end - 2)) {
      if (count) {
        this.counters.badCrc++;
        this.onBadCrc?.(buf[at + 4]!, buf[at + 3]!);
      }
      return { kind: 'reject' };
    }
    const frame = { type: buf[at + 3]!, seq: buf[at + 4]!, payload: buf.slice(at + KS_HEADER_SIZE, end - 2) };
    return { kind: 'frame', frame, end };
  }
}
