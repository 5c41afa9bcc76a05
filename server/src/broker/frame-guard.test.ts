import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remainingLength } from '../testing/raw-mqtt.js';
import { FrameGuard } from './frame-guard.js';

const limits = { maxPacketBytes: 1000, maxConnectBytes: 100 };
const packet = (type: number, bodyLen: number) =>
  Buffer.concat([Buffer.from([type << 4]), remainingLength(bodyLen), Buffer.alloc(bodyLen, 7)]);
const CONNECT = packet(1, 20);

describe('FrameGuard [MQTT-2.2]', () => {
  it('accepts packets up to the limit, byte by byte or many per chunk', () => {
    const stream = Buffer.concat([CONNECT, packet(3, 1000), packet(12, 0), packet(3, 5)]);
    const bytewise = new FrameGuard(limits);
    for (const b of stream) expect(bytewise.push(Buffer.from([b]))).toEqual({ ok: true });
    expect(new FrameGuard(limits).push(stream)).toEqual({ ok: true });
  });

  it('refuses on the header alone, before the body arrives, and stays refused', () => {
    const g = new FrameGuard(limits);
    expect(g.push(CONNECT)).toEqual({ ok: true });
    const header = Buffer.concat([Buffer.from([0x30]), remainingLength(100 * 1024 * 1024)]);
    expect(g.push(header)).toEqual({
      ok: false,
      reason: 'packet_too_large',
      remainingLength: 100 * 1024 * 1024,
      limit: 1000,
    });
    expect(g.push(Buffer.alloc(10)).ok).toBe(false);
  });

  it('holds the first packet (CONNECT) to its own smaller limit', () => {
    expect(new FrameGuard(limits).push(packet(1, 101))).toMatchObject({
      ok: false,
      reason: 'connect_too_large',
    });
    expect(new FrameGuard(limits).push(packet(3, 10))).toMatchObject({
      ok: false,
      reason: 'packet_malformed',
    });
  });

  it('refuses a Remaining Length longer than four bytes [MQTT-2.2.3]', () => {
    const g = new FrameGuard({ maxPacketBytes: 2 ** 30, maxConnectBytes: 2 ** 30 });
    expect(g.push(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]))).toMatchObject({
      ok: false,
      reason: 'packet_malformed',
    });
  });

  it('never refuses a valid stream however it is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
        (sizes, cuts) => {
          const stream = Buffer.concat([CONNECT, ...sizes.map((n) => packet(3, n))]);
          const g = new FrameGuard(limits);
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            if (!g.push(stream.subarray(at, at + n)).ok) return false;
            at += n;
          }
          return true;
        },
      ),
      { seed: 4242 },
    );
  });
});
