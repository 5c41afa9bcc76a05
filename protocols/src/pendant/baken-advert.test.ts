import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BakenAdvert, BakenAdvertEvent } from './baken-advert.js';
import {
  BAKEN_ADVERT_BYTES,
  decodeBakenAdvert,
  emptyBakenReplayState,
  encodeBakenAdvert,
} from './baken-advert.js';
import { BAKEN_TEST_DEVICE_ID, BAKEN_TEST_KEY_HEX, BAKEN_VECTORS } from './vectors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const key = hex(BAKEN_TEST_KEY_HEX);
const keys = (id: string) => (id === BAKEN_TEST_DEVICE_ID ? key : undefined);
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);

describe('Baken advert v1 golden vectors [PENDANT SPEC §6.2]', () => {
  let state = emptyBakenReplayState();
  for (const v of BAKEN_VECTORS) {
    it(`${v.event} battery ${v.battery} counter ${v.counter}: ${v.hex}`, () => {
      const advert: BakenAdvert = {
        deviceId: BAKEN_TEST_DEVICE_ID,
        event: v.event,
        battery: v.battery,
        counter: v.counter,
      };
      const encoded = encodeBakenAdvert(advert, key);
      expect(encoded.ok && Buffer.from(encoded.value).toString('hex')).toBe(v.hex);
      const decoded = decodeBakenAdvert(state, hex(v.hex), keys);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.value.advert).toEqual(advert);
      state = decoded.value.state;
      expect(state.lastCounter[BAKEN_TEST_DEVICE_ID]).toBe(v.counter);
    });
  }
});

describe('Baken advert refusals', () => {
  const alarm = hex(BAKEN_VECTORS[0]!.hex);
  it('replay: the same counter again, or an older one, is refused and leaves the state alone', () => {
    const first = decodeBakenAdvert(emptyBakenReplayState(), alarm, keys);
    if (!first.ok) throw first.error;
    const again = decodeBakenAdvert(first.value.state, alarm, keys);
    expect(code(again)).toBe('BAKEN_ERR_ADVERT_REPLAY');
    if (!again.ok) expect(again.error.detail).toMatchObject({ repeat: true, counter: 1, lastAccepted: 1 });
    const later = { lastCounter: { [BAKEN_TEST_DEVICE_ID]: 5 } };
    const old = decodeBakenAdvert(later, alarm, keys);
    expect(code(old)).toBe('BAKEN_ERR_ADVERT_REPLAY');
    if (!old.ok) expect(old.error.detail).toMatchObject({ repeat: false });
    expect(later.lastCounter[BAKEN_TEST_DEVICE_ID]).toBe(5);
  });

  it('any single flipped bit is refused (MAC, version, length or format) — a forgery never decodes', () => {
    for (let i = 0; i < alarm.length * 8; i++) {
      const bad = Uint8Array.from(alarm);
      bad[i >> 3] = (bad[i >> 3] as number) ^ (1 << (i & 7));
      expect(decodeBakenAdvert(emptyBakenReplayState(), bad, () => key).ok).toBe(false);
    }
  });

  it('unknown pendant, wrong key, wrong version, wrong length, empty', () => {
    const s = emptyBakenReplayState();
    expect(code(decodeBakenAdvert(s, alarm, () => undefined))).toBe('BAKEN_ERR_ADVERT_KEY');
    expect(code(decodeBakenAdvert(s, alarm, () => new Uint8Array(8)))).toBe('BAKEN_ERR_ADVERT_KEY');
    expect(code(decodeBakenAdvert(s, alarm, () => new Uint8Array(16)))).toBe('BAKEN_ERR_ADVERT_MAC');
    expect(code(decodeBakenAdvert(s, Uint8Array.of(2, ...alarm.subarray(1)), keys))).toBe(
      'BAKEN_ERR_ADVERT_VERSION',
    );
    expect(code(decodeBakenAdvert(s, alarm.subarray(0, 20), keys))).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(code(decodeBakenAdvert(s, new Uint8Array(0), keys))).toBe('BAKEN_ERR_ADVERT_FORMAT');
  });

  it('a correctly MACed advert with an unknown event or battery over 100 is still refused', async () => {
    const { createHmac } = await import('node:crypto');
    const forge = (mutate: (b: Buffer) => void) => {
      const b = Buffer.from(alarm);
      mutate(b);
      const uuid = Buffer.from([0xb1, 0xfc]);
      createHmac('sha256', key)
        .update('BAKEN-PDT-v1')
        .update(uuid)
        .update(b.subarray(0, 13))
        .digest()
        .copy(b, 13, 0, 8);
      return Uint8Array.from(b);
    };
    expect(
      code(
        decodeBakenAdvert(
          emptyBakenReplayState(),
          forge((b) => {
            b[7] = 0x09;
          }),
          keys,
        ),
      ),
    ).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(
      code(
        decodeBakenAdvert(
          emptyBakenReplayState(),
          forge((b) => {
            b[8] = 101;
          }),
          keys,
        ),
      ),
    ).toBe('BAKEN_ERR_ADVERT_FORMAT');
  });

  it('encoder refuses bad input', () => {
    const good: BakenAdvert = { deviceId: BAKEN_TEST_DEVICE_ID, event: 'alarm', battery: 50, counter: 1 };
    expect(code(encodeBakenAdvert({ ...good, deviceId: 'xyz' }, key))).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(code(encodeBakenAdvert({ ...good, event: 'party' as BakenAdvertEvent }, key))).toBe(
      'BAKEN_ERR_ADVERT_FORMAT',
    );
    expect(code(encodeBakenAdvert({ ...good, battery: 101 }, key))).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(code(encodeBakenAdvert({ ...good, counter: 2 ** 32 }, key))).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(code(encodeBakenAdvert(good, new Uint8Array(15)))).toBe('BAKEN_ERR_ADVERT_KEY');
  });
});

const arbAdvert = fc.record({
  deviceId: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Buffer.from(b).toString('hex')),
  event: fc.constantFrom<BakenAdvertEvent>('alarm', 'cancel', 'fall', 'low_battery', 'test', 'battery'),
  battery: fc.option(fc.integer({ min: 0, max: 100 })),
  counter: fc.integer({ min: 0, max: 0xffffffff }),
});

describe('Baken advert properties', () => {
  it('decode(encode(x)) = x, and a second key never verifies it', () => {
    fc.assert(
      fc.property(arbAdvert, fc.uint8Array({ minLength: 16, maxLength: 32 }), (advert, k) => {
        const encoded = encodeBakenAdvert(advert, k);
        if (!encoded.ok) throw encoded.error;
        expect(encoded.value.length).toBe(BAKEN_ADVERT_BYTES);
        const decoded = decodeBakenAdvert(emptyBakenReplayState(), encoded.value, () => k);
        expect(decoded.ok && decoded.value.advert).toEqual(advert);
        const other = Uint8Array.from(k, (b) => b ^ 0xff);
        expect(code(decodeBakenAdvert(emptyBakenReplayState(), encoded.value, () => other))).toBe(
          'BAKEN_ERR_ADVERT_MAC',
        );
      }),
    );
  });

  it('accepted counters strictly increase, whatever order adverts arrive in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }), (counters) => {
        let state = emptyBakenReplayState();
        const accepted: number[] = [];
        for (const counter of counters) {
          const e = encodeBakenAdvert(
            { deviceId: BAKEN_TEST_DEVICE_ID, event: 'alarm', battery: 1, counter },
            key,
          );
          if (!e.ok) throw e.error;
          const d = decodeBakenAdvert(state, e.value, keys);
          if (d.ok) {
            accepted.push(counter);
            state = d.value.state;
          }
        }
        for (let i = 1; i < accepted.length; i++) expect(accepted[i]!).toBeGreaterThan(accepted[i - 1]!);
        if (counters.length > 0) expect(accepted.at(-1)).toBe(Math.max(...counters));
      }),
    );
  });

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), (bytes) => {
        expect(typeof decodeBakenAdvert(emptyBakenReplayState(), bytes, () => key).ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
