import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GuardedConnection } from './guarded-connection.js';

/** A socket double that records each write it is handed. */
class RecordingSocket extends Duplex {
  readonly writes: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.writes.push(chunk);
    cb();
  }
}

const limits = { maxPacketBytes: 1000, maxConnectBytes: 100 };

describe('GuardedConnection writes', () => {
  it('hands what was written while corked to the socket as one write, bytes in order', async () => {
    const socket = new RecordingSocket();
    const conn = new GuardedConnection(socket, limits, () => undefined);
    const done: number[] = [];
    conn.cork();
    conn.write(Buffer.from([0x40, 0x02]), () => done.push(1));
    conn.write(Buffer.from([0x00, 0x01]), () => done.push(2));
    conn.write(Buffer.from([0x40, 0x02, 0x00, 0x02]), () => done.push(3));
    expect(socket.writes).toEqual([]);
    conn.uncork();
    await new Promise((r) => setImmediate(r));
    expect(socket.writes).toEqual([Buffer.from([0x40, 0x02, 0x00, 0x01, 0x40, 0x02, 0x00, 0x02])]);
    expect(done).toEqual([1, 2, 3]);
  });

  it('passes an uncorked write straight through', async () => {
    const socket = new RecordingSocket();
    const conn = new GuardedConnection(socket, limits, () => undefined);
    conn.write(Buffer.from([0xd0, 0x00]));
    conn.write(Buffer.from([0xd0, 0x00]));
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(socket.writes)).toEqual(Buffer.from([0xd0, 0x00, 0xd0, 0x00]));
  });
});
