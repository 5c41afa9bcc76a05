/**
 * Reads MQTT 3.1.1 fixed headers off an inbound byte stream as the bytes arrive and refuses a
 * packet by its declared size, before its body is read [MQTT-2.2]. Pure: bytes in, a verdict out;
 * it never holds more than the four length bytes of the header being read.
 *
 * aedes (through mqtt-packet) buffers a whole packet before it looks at it, so a client that
 * declares a 100 MB PUBLISH gets 100 MB of server memory. Put in front of the parser, this guard
 * lets the connection be closed on the header alone.
 */
export interface FrameLimits {
  /** Largest Remaining Length accepted for any packet (bytes after the fixed header). */
  maxPacketBytes: number;
  /** Largest Remaining Length of the first packet, which must be CONNECT [MQTT-3.1.0-1]. */
  maxConnectBytes: number;
}

export type FrameRefusal =
  | { reason: 'packet_too_large'; remainingLength: number; limit: number }
  | { reason: 'connect_too_large'; remainingLength: number; limit: number }
  | { reason: 'packet_malformed'; detail: string };

export type FrameVerdict = { ok: true } | ({ ok: false } & FrameRefusal);

const CONNECT = 1;
/** [MQTT-2.2.3] the Remaining Length takes at most four bytes. */
const MAX_LENGTH_BYTES = 4;

export class FrameGuard {
  #state: 'type' | 'length' | 'body' = 'type';
  #type = 0;
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #bodyLeft = 0;
  #packets = 0;
  #refused: FrameVerdict | null = null;

  constructor(private readonly limits: FrameLimits) {}

  /** Feeds the next bytes; once a packet is refused every later call answers the same refusal. */
  push(chunk: Uint8Array): FrameVerdict {
    if (this.#refused) return this.#refused;
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === 'body') {
        const n = Math.min(this.#bodyLeft, chunk.length - i);
        this.#bodyLeft -= n;
        i += n;
        if (this.#bodyLeft === 0) this.#state = 'type';
        continue;
      }
      const b = chunk[i++]!;
      if (this.#state === 'type') {
        this.#type = b >> 4;
        if (this.#packets === 0 && this.#type !== CONNECT)
          return this.#refuse({ reason: 'packet_malformed', detail: 'the first packet is not CONNECT' });
        this.#state = 'length';
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
        continue;
      }
      // 'length': a variable byte integer, seven bits per byte, least significant group first.
      this.#length += (b & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes += 1;
      if (b & 0x80) {
        if (this.#lengthBytes === MAX_LENGTH_BYTES)
          return this.#refuse({ reason: 'packet_malformed', detail: 'remaining length over four bytes' });
        continue;
      }
      const refusal = this.#check(this.#length);
      if (refusal) return this.#refuse(refusal);
      this.#packets += 1;
      this.#bodyLeft = this.#length;
      this.#state = this.#length === 0 ? 'type' : 'body';
    }
    return { ok: true };
  }

  #check(remainingLength: number): FrameRefusal | null {
    if (this.#packets === 0 && remainingLength > this.limits.maxConnectBytes)
      return { reason: 'connect_too_large', remainingLength, limit: this.limits.maxConnectBytes };
    if (remainingLength > this.limits.maxPacketBytes)
      return { reason: 'packet_too_large', remainingLength, limit: this.limits.maxPacketBytes };
    return null;
  }

  #refuse(r: FrameRefusal): FrameVerdict {
    this.#refused = { ok: false, ...r };
    return this.#refused;
  }
}
