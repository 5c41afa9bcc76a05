import { afterEach, describe, expect, it } from 'vitest';
import { yieldToEventLoop } from '../clock/mock-clock.js';
import { HardwareError } from '../errors.js';
import type { SerialLink } from '../serial-link.js';

/** Two connected, not yet opened ends of one cable, and a way to pull it. */
export interface SerialPairUnderTest {
  a: SerialLink;
  b: SerialLink;
  /** Pulls the cable / makes the device vanish (mock: `wire.unplug()`; pty: kill socat). */
  unplug(): Promise<void> | void;
  /** Frees everything (closes links, kills helpers). Must be safe after `unplug`. */
  dispose(): Promise<void>;
}

/** Resolves with the first `n` bytes `link` emits (concatenated, chunk boundaries ignored). */
export function receiveBytes(link: SerialLink, n: number): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const out = new Uint8Array(n);
    let got = 0;
    const onData = (chunk: Uint8Array): void => {
      const take = Math.min(chunk.length, n - got);
      out.set(chunk.subarray(0, take), got);
      got += take;
      if (got >= n) {
        link.off('data', onData);
        resolve(out);
      }
    };
    if (n === 0) resolve(out);
    else link.on('data', onData);
  });
}

/** Resolves with the next `'close'` info of `link`. */
export function nextClose(link: SerialLink): Promise<{ disconnected: boolean }> {
  return new Promise((resolve) => link.once('close', resolve));
}

/** Turns of the event loop (no wall-time wait) so that in-flight callbacks get a chance to run. */
async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await yieldToEventLoop();
}

function pattern(n: number, seed: number): Uint8Array {
  // Period 251 (prime): a reordered, dropped or duplicated chunk shows up as a mismatch.
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 251);
}

/**
 * The `SerialLink` contract (hardware/src/serial-link.ts), written once and run against every
 * binding: the in-memory wire and two real `SerialPortLink`s on a socat pty pair.
 */
export function serialLinkContract(name: string, makePair: () => Promise<SerialPairUnderTest>): void {
  describe(`SerialLink contract: ${name}`, () => {
    let pair: SerialPairUnderTest | undefined;
    const make = async (): Promise<SerialPairUnderTest> => {
      pair = await makePair();
      return pair;
    };
    afterEach(async () => {
      await pair?.dispose();
      pair = undefined;
    });

    it('open() makes the link usable and a second open() is harmless', async () => {
      const { a, b } = await make();
      expect(a.isOpen).toBe(false);
      await a.open();
      await a.open();
      await b.open();
      expect(a.isOpen).toBe(true);
      expect(b.isOpen).toBe(true);
    });

    it('writes arrive in order in both directions, including a 64 KiB burst', async () => {
      const { a, b } = await make();
      await Promise.all([a.open(), b.open()]);
      const small = [pattern(3, 1), pattern(17, 2), pattern(1, 3)];
      const atB = receiveBytes(b, 21);
      for (const chunk of small) void a.write(chunk);
      expect([...(await atB)]).toEqual([...small[0]!, ...small[1]!, ...small[2]!]);

      const back = pattern(10, 4);
      const atA = receiveBytes(a, back.length);
      await b.write(back);
      expect(await atA).toEqual(back);

      const burst = pattern(64 * 1024, 5);
      const burstAtB = receiveBytes(b, burst.length);
      await a.write(burst);
      const got = await burstAtB;
      expect(got.length).toBe(burst.length);
      expect(Buffer.compare(got, burst)).toBe(0);
    });

    it('write() copies its input: reusing the buffer after the call does not change what is sent', async () => {
      const { a, b } = await make();
      await Promise.all([a.open(), b.open()]);
      const buf = Uint8Array.of(1, 2, 3);
      const atB = receiveBytes(b, 3);
      const p = a.write(buf);
      buf.fill(9);
      await p;
      expect([...(await atB)]).toEqual([1, 2, 3]);
    });

    it('close() rejects pending writes with canceled and emits close once with disconnected:false', async () => {
      const { a, b } = await make();
      await Promise.all([a.open(), b.open()]);
      const closes: Array<{ disconnected: boolean }> = [];
      a.on('close', (info) => closes.push(info));
      const pending = a.write(pattern(64 * 1024, 6));
      const rejected = pending.then(
        () => undefined,
        (err: unknown) => err,
      );
      await a.close();
      const err = await rejected;
      expect(err).toBeInstanceOf(HardwareError);
      expect((err as HardwareError).canceled).toBe(true);
      expect((err as HardwareError).disconnected).toBe(false);
      await a.close();
      await settle();
      expect(closes).toEqual([{ disconnected: false }]);
      expect(a.isOpen).toBe(false);
    });

    it('emits no data after close() and rejects writes on a closed link', async () => {
      const { a, b } = await make();
      await Promise.all([a.open(), b.open()]);
      const first = receiveBytes(a, 1);
      let afterClose = 0;
      let closed = false;
      a.on('data', (chunk) => {
        if (closed) afterClose += chunk.length;
      });
      // Not awaited: with nobody reading, a real pty's buffer fills and the write stays pending
      // (flow control) until b is closed by dispose().
      b.write(pattern(64 * 1024, 7)).catch(() => undefined);
      await first;
      const closing = a.close();
      closed = true;
      await closing;
      b.write(pattern(100, 8)).catch(() => undefined);
      await settle();
      expect(afterClose).toBe(0);
      const err = await a.write(Uint8Array.of(1)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HardwareError);
      expect((err as HardwareError).code).toBe('BAKEN_ERR_SERIAL_CLOSED');
    });

    it('reopen after close() works', async () => {
      const { a, b } = await make();
      await Promise.all([a.open(), b.open()]);
      await a.close();
      await a.open();
      expect(a.isOpen).toBe(true);
      const msg = pattern(50, 9);
      const atA = receiveBytes(a, msg.length);
      await b.write(msg);
      expect(await atA).toEqual(msg);
      const reply = pattern(20, 10);
      const atB = receiveBytes(b, reply.length);
      await a.write(reply);
      expect(await atB).toEqual(reply);
    });

    it('an unplug emits close {disconnected:true} once; later writes reject with disconnected', async () => {
      const p = await make();
      await Promise.all([p.a.open(), p.b.open()]);
      const closes: Array<{ disconnected: boolean }> = [];
      p.a.on('close', (info) => closes.push(info));
      const closed = nextClose(p.a);
      await p.unplug();
      expect(await closed).toEqual({ disconnected: true });
      expect(p.a.isOpen).toBe(false);
      const err = await p.a.write(Uint8Array.of(1, 2)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HardwareError);
      expect((err as HardwareError).disconnected).toBe(true);
      await p.a.close();
      await settle();
      expect(closes).toEqual([{ disconnected: true }]);
    });
  });
}
