import { describe, expect, it } from 'vitest';
import { needProgram } from '../testing/external-program.js';
import { seededRandom } from '../testing/seeded-random.js';
import { nextClose, receiveBytes, serialLinkContract } from '../testing/serial-link-contract.js';
import { FaultySerialLink } from './faulty-serial-link.js';
import { concatBytes, MockSerialWire } from './mock-serial-link.js';
import { openPtyPair } from './pty-pair.js';
import { SerialPortLink } from './serial-port-link.js';

// With zero rates the wrapper is an ordinary SerialLink, and its unplug() is a real unplug.
serialLinkContract('FaultySerialLink (no faults) over MockSerialWire', async () => {
  const wire = new MockSerialWire();
  const a = new FaultySerialLink(wire.a, { random: seededRandom(1) });
  return {
    a,
    b: wire.b,
    unplug: () => a.unplug(),
    dispose: async () => {
      await a.close();
      await wire.b.close();
    },
  };
});

async function sendThrough(
  seed: number,
  bytes: Uint8Array,
  rates: { corruptRate?: number; dropRate?: number },
) {
  const wire = new MockSerialWire();
  const faulty = new FaultySerialLink(wire.a, { random: seededRandom(seed), direction: 'tx', ...rates });
  await faulty.open();
  await wire.b.open();
  const chunks: Uint8Array[] = [];
  wire.b.on('data', (c) => chunks.push(c));
  await faulty.write(bytes);
  await new Promise<void>((r) => queueMicrotask(r));
  await Promise.resolve();
  return { out: concatBytes(chunks), stats: { ...faulty.stats } };
}

const input = Uint8Array.from({ length: 100_000 }, (_, i) => i % 256);

describe('FaultySerialLink', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const one = await sendThrough(42, input, { corruptRate: 0.01, dropRate: 0.01 });
    const two = await sendThrough(42, input, { corruptRate: 0.01, dropRate: 0.01 });
    const other = await sendThrough(43, input, { corruptRate: 0.01, dropRate: 0.01 });
    expect(two.out).toEqual(one.out);
    expect(two.stats).toEqual(one.stats);
    expect(Buffer.compare(other.out, one.out)).not.toBe(0);
  });

  it('corrupts about the configured share of bytes, each by exactly one bit', async () => {
    const { out, stats } = await sendThrough(7, input, { corruptRate: 0.01 });
    expect(out.length).toBe(input.length);
    let changed = 0;
    let multiBit = 0;
    for (let i = 0; i < input.length; i++) {
      const diff = input[i]! ^ out[i]!;
      if (diff === 0) continue;
      changed++;
      if ((diff & (diff - 1)) !== 0) multiBit++;
    }
    expect(multiBit).toBe(0);
    expect(changed).toBe(stats.corrupted);
    expect(changed).toBeGreaterThan(800);
    expect(changed).toBeLessThan(1200);
  });

  it('drops about the configured share of bytes and keeps the rest in order', async () => {
    const { out, stats } = await sendThrough(9, input, { dropRate: 0.05 });
    expect(out.length).toBe(input.length - stats.dropped);
    expect(stats.dropped).toBeGreaterThan(4500);
    expect(stats.dropped).toBeLessThan(5500);
    // The output is a subsequence of the input.
    let j = 0;
    for (const byte of out) {
      while (j < input.length && input[j] !== byte) j++;
      j++;
    }
    expect(j).toBeLessThanOrEqual(input.length);
  });

  it('applies faults to received bytes when direction is rx, and not to writes', async () => {
    const wire = new MockSerialWire();
    const faulty = new FaultySerialLink(wire.a, { random: seededRandom(3), dropRate: 1, direction: 'rx' });
    await faulty.open();
    await wire.b.open();
    const atB = receiveBytes(wire.b, 3);
    await faulty.write(Uint8Array.of(1, 2, 3));
    expect([...(await atB)]).toEqual([1, 2, 3]);
    let received = 0;
    faulty.on('data', (c) => (received += c.length));
    await wire.b.write(Uint8Array.of(4, 5, 6));
    await Promise.resolve();
    expect(received).toBe(0);
    expect(faulty.stats.dropped).toBe(3);
  });

  it('refuses to open while unplugged and opens again after replug', async () => {
    const wire = new MockSerialWire();
    const faulty = new FaultySerialLink(wire.a, { random: seededRandom(5) });
    await faulty.open();
    faulty.unplug();
    await expect(faulty.open()).rejects.toMatchObject({ code: 'BAKEN_ERR_SERIAL_OPEN' });
    faulty.replug();
    await faulty.open();
    expect(faulty.isOpen).toBe(true);
  });
});

describe.skipIf(!needProgram('socat'))('FaultySerialLink over a real pty pair', () => {
  it('corrupts written bytes at the configured rate end to end, and its unplug ends only its side', async () => {
    const pty = await openPtyPair();
    const a = new FaultySerialLink(new SerialPortLink({ path: pty.a, baudRate: 115200 }), {
      random: seededRandom(11),
      corruptRate: 0.01,
      direction: 'tx',
    });
    const b = new SerialPortLink({ path: pty.b, baudRate: 115200 });
    try {
      await a.open();
      await b.open();
      const data = Uint8Array.from({ length: 20_000 }, (_, i) => i % 256);
      const atB = receiveBytes(b, data.length);
      await a.write(data);
      const got = await atB;
      let changed = 0;
      for (let i = 0; i < data.length; i++) if (got[i] !== data[i]) changed++;
      expect(changed).toBe(a.stats.corrupted);
      expect(changed).toBeGreaterThan(100);
      const closed = nextClose(a);
      a.unplug();
      expect(await closed).toEqual({ disconnected: true });
      expect(b.isOpen).toBe(true);
    } finally {
      await a.close();
      await b.close();
      await pty.close();
    }
  });
});
