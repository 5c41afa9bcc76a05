import { describe, expect, it } from 'vitest';
import { HardwareError } from '../errors.js';
import { nextClose, receiveBytes } from '../testing/serial-link-contract.js';
import { MockSerialLink, MockSerialWire } from './mock-serial-link.js';

describe('MockSerialLink test handles', () => {
  it('records writes (copies) and exposes lastWrite', async () => {
    const link = new MockSerialLink({ path: '/dev/ttyTEST' });
    await link.open();
    const buf = Uint8Array.of(1, 2);
    await link.write(buf);
    buf[0] = 99;
    await link.write(Uint8Array.of(3));
    expect(link.writes.map((w) => [...w])).toEqual([[1, 2], [3]]);
    expect([...(link.lastWrite ?? [])]).toEqual([3]);
    expect([...link.written()]).toEqual([1, 2, 3]);
  });

  it('emitData arrives asynchronously, in order, only while open', async () => {
    const link = new MockSerialLink();
    await link.open();
    const seen: number[] = [];
    link.on('data', (c) => seen.push(...c));
    link.emitData(Uint8Array.of(1));
    link.emitData(Uint8Array.of(2, 3));
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([1, 2, 3]);
    await link.close();
    link.emitData(Uint8Array.of(4));
    await Promise.resolve();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('unplug() on a lone link closes it as disconnected and blocks open() until replug()', async () => {
    const link = new MockSerialLink();
    await link.open();
    const closed = nextClose(link);
    link.unplug();
    expect(await closed).toEqual({ disconnected: true });
    await expect(link.open()).rejects.toBeInstanceOf(HardwareError);
    link.replug();
    await link.open();
    expect(link.isOpen).toBe(true);
  });

  it('unplugging one end of a wire closes both; replug lets both reopen and talk', async () => {
    const wire = new MockSerialWire();
    await wire.a.open();
    await wire.b.open();
    const closes = [nextClose(wire.a), nextClose(wire.b)];
    wire.b.unplug();
    expect(await Promise.all(closes)).toEqual([{ disconnected: true }, { disconnected: true }]);
    wire.replug();
    await wire.a.open();
    await wire.b.open();
    const got = receiveBytes(wire.b, 2);
    await wire.a.write(Uint8Array.of(7, 7));
    expect([...(await got)]).toEqual([7, 7]);
  });
});
