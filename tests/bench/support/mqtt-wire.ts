/**
 * The few MQTT 3.1.1 packets a simulated home unit needs, written and read by hand so the load
 * generator costs little CPU per message (a client library's queues and promises would make the
 * generator, not the server, the limit). Packet layouts cite the MQTT 3.1.1 clauses.
 */

const str = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
};

/** Remaining Length, 1–4 bytes of 7 bits [MQTT-2.2.3]. */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

const packet = (first: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([first]), remainingLength(body.length), body]);

export interface Will {
  topic: string;
  payload: string;
}

/** CONNECT, clean session, QoS 1 retained will when given [MQTT-3.1]. */
export function connectPacket(o: {
  clientId: string;
  username: string;
  password: string;
  keepAliveS: number;
  will?: Will;
}): Buffer {
  // flags: username, password, will retain + will QoS 1 + will flag, clean session
  const flags = 0b1100_0010 | (o.will ? 0b0010_1100 : 0);
  const head = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, flags, o.keepAliveS >> 8, o.keepAliveS & 0xff]);
  const parts = [head, str(o.clientId)];
  if (o.will) parts.push(str(o.will.topic), str(o.will.payload));
  parts.push(str(o.username), str(o.password));
  return packet(0x10, Buffer.concat(parts));
}

/** SUBSCRIBE to one filter [MQTT-3.8]. */
export function subscribePacket(messageId: number, filter: string, qos: 0 | 1): Buffer {
  const id = Buffer.from([messageId >> 8, messageId & 0xff]);
  return packet(0x82, Buffer.concat([id, str(filter), Buffer.from([qos])]));
}

/** PUBLISH [MQTT-3.3]: QoS 1 when a message id is given, else QoS 0. */
export function publishPacket(topic: string, payload: string, messageId?: number, retain = false): Buffer {
  const t = str(topic);
  const p = Buffer.from(payload, 'utf8');
  const r = retain ? 1 : 0;
  if (messageId === undefined) return packet(0x30 | r, Buffer.concat([t, p]));
  const id = Buffer.from([messageId >> 8, messageId & 0xff]);
  return packet(0x32 | r, Buffer.concat([t, id, p]));
}

export const pubackPacket = (messageId: number): Buffer =>
  Buffer.from([0x40, 2, messageId >> 8, messageId & 0xff]);
export const PINGREQ = Buffer.from([0xc0, 0]);
export const DISCONNECT = Buffer.from([0xe0, 0]);

export enum PacketType {
  Connack = 2,
  Publish = 3,
  Puback = 4,
  Suback = 9,
  Pingresp = 13,
}

export interface InboundPublish {
  topic: string;
  payload: Buffer;
  /** Present for QoS 1: the receiver owes a PUBACK. */
  messageId?: number;
}

export type PacketHandler = (type: number, flags: number, body: Buffer) => void;

/** Splits a byte stream into packets (type, flags, body); tolerates any chunking. */
export class PacketReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onPacket: PacketHandler) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length < 2) return;
      let len = 0;
      let mult = 1;
      let i = 1;
      for (;;) {
        if (i >= this.buf.length) return;
        const b = this.buf[i]!;
        len += (b & 0x7f) * mult;
        mult *= 128;
        i += 1;
        if ((b & 0x80) === 0) break;
        if (i > 4) throw new Error('malformed remaining length');
      }
      if (this.buf.length < i + len) return;
      const first = this.buf[0]!;
      const body = this.buf.subarray(i, i + len);
      this.buf = this.buf.subarray(i + len);
      this.onPacket(first >> 4, first & 0x0f, body);
    }
  }
}

/** Reads a PUBLISH body [MQTT-3.3.2]. */
export function readPublish(flags: number, body: Buffer): InboundPublish {
  const tlen = body.readUInt16BE(0);
  const topic = body.toString('utf8', 2, 2 + tlen);
  const qos = (flags >> 1) & 3;
  if (qos === 0) return { topic, payload: body.subarray(2 + tlen) };
  return { topic, messageId: body.readUInt16BE(2 + tlen), payload: body.subarray(4 + tlen) };
}
