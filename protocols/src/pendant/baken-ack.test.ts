import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BAKEN_ANNOUNCE, bakenAnnounceDelayMs, encodeBakenAck, verifyBakenAck } from './baken-ack.js';
import { encodeBakenAdvert } from './baken-advert.js';
import { BAKEN_ACK_VECTORS, BAKEN_TEST_DEVICE_ID, BAKEN_TEST_KEY_HEX } from './vectors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const KEY = hex(BAKEN_TEST_KEY_HEX);
const own = { deviceId: BAKEN_TEST_DEVICE_ID, key: KEY };
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);

describe('Baken pendant ack [PENDANT SPEC §7]', () => {
  for (const v of BAKEN_ACK_VECTORS) {
    it(`golden vector: counter ${v.counter} ↔ ${v.hex}`, () => {
      const enc = encodeBakenAck({ deviceId: BAKEN_TEST_DEVICE_ID, counter: v.counter }, KEY);
      expect(enc.ok && Buffer.from(enc.value).toString('hex')).toBe(v.hex);
      expect(verifyBakenAck(hex(v.hex), own)).toEqual({
        ok: true,
        value: { deviceId: BAKEN_TEST_DEVICE_ID, counter: v.counter },
      });
    });
  }

  it('a forged ack (another key, a flipped bit, another pendant, an advert MAC) is refused', () => {
    const good = hex(BAKEN_ACK_VECTORS[0]!.hex);
    const stranger = encodeBakenAck(
      { deviceId: BAKEN_TEST_DEVICE_ID, counter: 1 },
      new Uint8Array(16).fill(7),
    );
    expect(stranger.ok && code(verifyBakenAck(stranger.value, own))).toBe('BAKEN_ERR_ACK_MAC');
    for (let i = 0; i < good.length; i++) {
      const bad = Uint8Array.from(good);
      bad[i] = (bad[i] as number) ^ 0x01;
      expect(verifyBakenAck(bad, own).ok).toBe(false);
    }
    expect(code(verifyBakenAck(good, { ...own, deviceId: 'b4ca0e000002' }))).toBe('BAKEN_ERR_ACK_FORMAT');
    expect(code(verifyBakenAck(good.subarray(0, 18), own))).toBe('BAKEN_ERR_ACK_FORMAT');
    // the advert's own MAC over the same id and counter does not pass as an ack
    const advert = encodeBakenAdvert(
      { deviceId: BAKEN_TEST_DEVICE_ID, event: 'alarm', battery: 87, counter: 1 },
      KEY,
    );
    if (!advert.ok) throw advert.error;
    const spliced = Uint8Array.from([...good.subarray(0, 11), ...advert.value.subarray(13, 21)]);
    expect(code(verifyBakenAck(spliced, own))).toBe('BAKEN_ERR_ACK_MAC');
  });

  it('refuses what it cannot encode', () => {
    expect(code(encodeBakenAck({ deviceId: 'xyz', counter: 1 }, KEY))).toBe('BAKEN_ERR_ACK_FORMAT');
    expect(code(encodeBakenAck({ deviceId: BAKEN_TEST_DEVICE_ID, counter: -1 }, KEY))).toBe(
      'BAKEN_ERR_ACK_FORMAT',
    );
    expect(code(encodeBakenAck({ deviceId: BAKEN_TEST_DEVICE_ID, counter: 1 }, new Uint8Array(8)))).toBe(
      'BAKEN_ERR_ADVERT_KEY',
    );
  });

  it('verify never throws, and verify(encode(x)) = x', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(typeof verifyBakenAck(bytes, own).ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (counter) => {
        const enc = encodeBakenAck({ deviceId: BAKEN_TEST_DEVICE_ID, counter }, KEY);
        if (!enc.ok) throw enc.error;
        expect(verifyBakenAck(enc.value, own)).toEqual({
          ok: true,
          value: { deviceId: BAKEN_TEST_DEVICE_ID, counter },
        });
      }),
    );
  });
});

describe('announce schedule [PENDANT SPEC §7.4]', () => {
  it('backs off 2, 4, 8, 15 s, then 60 s after an hour, and gives up after 24 h', () => {
    let t = 1_000;
    const gaps: number[] = [];
    for (let round = 1; ; round++) {
      const gap = bakenAnnounceDelayMs(round, t);
      if (gap === null) break;
      gaps.push(gap);
      t += gap;
    }
    expect(gaps.slice(0, 5)).toEqual([2_000, 4_000, 8_000, 15_000, 15_000]);
    expect(gaps.at(-1)).toBe(60_000);
    expect(t).toBeLessThanOrEqual(BAKEN_ANNOUNCE.giveUpMs);
    expect(t).toBeGreaterThan(BAKEN_ANNOUNCE.giveUpMs - 60_000);
    // the battery budget of SPEC §7.4 rests on this count of bursts per unacknowledged event
    expect(gaps.length).toBeLessThan(1_650);
    expect(bakenAnnounceDelayMs(1_000_000, 0)).toBe(15_000);
  });
});
