import { DC09_MAX_FRAME } from './frame.js';

export interface Dc09DeframerCounters {
  /** Candidate frames (LF … CR) returned by `push`; each still goes through `dc09DecodeFrame`. */
  frames: number;
  /** Bytes dropped outside any frame (between CR and the next LF, or a frame cut short by a new LF). */
  garbageBytes: number;
  /** Candidates dropped for running past `DC09_MAX_FRAME` without a CR. */
  oversize: number;
}

/**
 * Splits a TCP byte stream into DC-09 frame candidates — [DC09 SPEC §2.7]. A frame runs from LF to
 * the next CR. Bytes 1–2 after the LF may be a binary CRC (some panels), so a CR or LF there does not
 * end or restart a frame. Ciphertext is hex and data is printable, so a LF later inside a candidate
 * means the earlier frame was cut short: it is counted as garbage and the hunt restarts at the LF.
 * CRC, length and content are checked by `dc09DecodeFrame`, which counts its own failures.
 */
export class Dc09Deframer {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly counters: Dc09DeframerCounters = { frames: 0, garbageBytes: 0, oversize: 0 };

  get stats(): Readonly<Dc09DeframerCounters> {
    return { ...this.counters };
  }

  /** Bytes held while waiting for the CR of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  push(bytes: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buf.length + bytes.length);
    joined.set(this.buf, 0);
    joined.set(bytes, this.buf.length);
    const frames: Uint8Array[] = [];
    let i = 0;
    for (;;) {
      const lf = joined.indexOf(0x0a, i);
      if (lf < 0) {
        this.counters.garbageBytes += joined.length - i;
        i = joined.length;
        break;
      }
      this.counters.garbageBytes += lf - i;
      i = lf;
      let j = lf + 3;
      while (j < joined.length && joined[j] !== 0x0d && joined[j] !== 0x0a && j - lf < DC09_MAX_FRAME) j++;
      if (j - lf >= DC09_MAX_FRAME) {
        this.counters.oversize++;
        i = j;
        continue;
      }
      if (j >= joined.length) break; // incomplete: keep from the LF
      if (joined[j] === 0x0a) {
        this.counters.garbageBytes += j - lf;
        i = j;
        continue;
      }
      frames.push(joined.slice(lf, j + 1));
      this.counters.frames++;
      i = j + 1;
    }
    this.buf = joined.slice(i);
    return frames;
  }
}
