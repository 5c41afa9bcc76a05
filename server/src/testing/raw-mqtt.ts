import { connect, type Socket } from 'node:net';

/**
 * A hand-rolled MQTT 3.1.1 client for abuse tests: it writes exactly the bytes a test asks for
 * (a header declaring 100 MB, a flood with back-pressure) and keeps nothing in memory, so what a
 * test measures is the server's memory, not a client library's queue.
 */
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

const str = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
};

/** CONNECT [MQTT-3.1] with username and password, clean session, keep-alive 60 s. */
export function connectPacket(o: { clientId: string; username: string; password: string }): Buffer {
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, 0b1100_0010, 0, 60]),
    str(o.clientId),
    str(o.username),
    str(o.password),
  ]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** The fixed header and topic of a QoS 0 PUBLISH whose payload is `payloadBytes` long [MQTT-3.3]. */
export function publishHeader(topic: string, payloadBytes: number): Buffer {
  const t = str(topic);
  return Buffer.concat([Buffer.from([0x30]), remainingLength(t.length + payloadBytes), t]);
}

/** A PUBLISH; QoS 1 when a message id is given (the broker answers PUBACK, which is not read). */
export function publishPacket(topic: string, payload: string | Buffer, messageId?: number): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload) : payload;
  if (messageId === undefined) return Buffer.concat([publishHeader(topic, p.length), p]);
  const t = str(topic);
  const id = Buffer.alloc(2);
  id.writeUInt16BE(messageId);
  return Buffer.concat([Buffer.from([0x32]), remainingLength(t.length + 2 + p.length), t, id, p]);
}

export interface RawClient {
  socket: Socket;
  /** Resolves when the socket has closed (by either side). */
  closed: Promise<void>;
  /** Writes with back-pressure; false once the socket is gone. */
  write(b: Buffer): Promise<boolean>;
}

export async function rawConnect(
  port: number,
  creds?: Parameters<typeof connectPacket>[0],
): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const write = (b: Buffer): Promise<boolean> =>
    new Promise((resolve) => {
      if (socket.destroyed || !socket.writable) return resolve(false);
      if (socket.write(b)) return resolve(true);
      const done = (ok: boolean) => {
        socket.off('drain', onDrain);
        socket.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    });
  if (creds) {
    const connack = new Promise<Buffer>((resolve, reject) => {
      socket.once('data', resolve);
      socket.once('close', () => reject(new Error('closed before CONNACK')));
    });
    await write(connectPacket(creds));
    const ack = await connack;
    if (ack[0] !== 0x20 || ack[3] !== 0) throw new Error(`CONNACK refused: ${ack.toString('hex')}`);
  }
  return { socket, closed, write };
}
