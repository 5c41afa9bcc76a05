import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBthome, parseBthomeObjects } from './bthome-decode.js';
import { encodeBthome } from './bthome-encode.js';
import { BTHOME_OBJECT_IDS, bthomeObjectDef } from './bthome-objects.js';
import type { BthomeObject } from './bthome-types.js';
import { BTHOME_BINDKEY_HEX, BTHOME_VECTORS } from './vectors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const bindKey = hex(BTHOME_BINDKEY_HEX);

function summarise(o: BthomeObject): [string, unknown] {
  if (o.kind === 'button') return [o.name, o.event];
  if (o.kind === 'dimmer') return [o.name, { event: o.event, steps: o.steps }];
  return [o.name, o.value];
}

describe('BTHome v2 golden vectors [PENDANT SPEC §6.1]', () => {
  for (const v of BTHOME_VECTORS) {
    it(`${v.name}: ${v.hex}`, () => {
      const r = decodeBthome(hex(v.hex), {
        ...(v.key === undefined ? {} : { key: hex(v.key) }),
        ...(v.address === undefined ? {} : { address: v.address }),
      });
      if ('error' in v.expect) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toBe(v.expect.error);
        return;
      }
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const { values, addressInPayload, ...rest } = v.expect;
      expect(r.value).toMatchObject(rest);
      expect(r.value.addressInPayload).toBe(addressInPayload ?? null);
      expect(r.value.objects.map(summarise)).toEqual(values);
    });
  }
});

describe('BTHome decoder refusals', () => {
  it('encrypted advert without key, without address, too short, or bad address flag', () => {
    const enc = hex('41e445f3c9962b332211006c7c4519');
    const code = (r: ReturnType<typeof decodeBthome>) => (r.ok ? 'ok' : r.error.code);
    expect(code(decodeBthome(enc, { address: '54:48:E6:8F:80:A5' }))).toBe('BAKEN_ERR_ADVERT_DECRYPT');
    expect(code(decodeBthome(enc, { key: bindKey }))).toBe('BAKEN_ERR_ADVERT_DECRYPT');
    expect(code(decodeBthome(enc, { key: bindKey, address: 'nonsense' }))).toBe('BAKEN_ERR_ADVERT_DECRYPT');
    expect(code(decodeBthome(enc, { key: bindKey, address: '54:48:E6:8F:80:A6' }))).toBe(
      'BAKEN_ERR_ADVERT_DECRYPT',
    );
    expect(code(decodeBthome(hex('41e445f3c9'), { key: bindKey }))).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(code(decodeBthome(hex('42a5808f'), {}))).toBe('BAKEN_ERR_ADVERT_FORMAT');
  });

  it('a tampered ciphertext, counter or MIC does not verify', () => {
    const good = hex('41e445f3c9962b332211006c7c4519');
    for (let i = 1; i < good.length; i++) {
      const bad = Uint8Array.from(good);
      bad[i] = (bad[i] as number) ^ 0x01;
      const r = decodeBthome(bad, { key: bindKey, address: '54:48:E6:8F:80:A5' });
      expect(r.ok).toBe(false);
    }
  });

  it('text and raw objects carry a length byte', () => {
    const r = parseBthomeObjects(hex('530548656c6c6f5403010203'));
    expect(r.stopped).toBeNull();
    expect(r.objects).toEqual([
      { kind: 'text', id: 0x53, name: 'text', value: 'Hello' },
      { kind: 'raw', id: 0x54, name: 'raw', value: Uint8Array.of(1, 2, 3) },
    ]);
    expect(parseBthomeObjects(hex('53')).stopped).toEqual({ reason: 'truncated', objectId: 0x53, offset: 0 });
    expect(parseBthomeObjects(hex('5405aa')).stopped?.reason).toBe('truncated');
    expect(parseBthomeObjects(hex('0f02')).stopped?.reason).toBe('bad_value');
    expect(parseBthomeObjects(hex('3c0501')).stopped?.reason).toBe('bad_value');
  });

  it('0x58 temperature uses the 0.35 factor, signed values decode negative', () => {
    expect(parseBthomeObjects(hex('5814')).objects[0]).toMatchObject({ value: 7 });
    expect(parseBthomeObjects(hex('02f6ff')).objects[0]).toMatchObject({ name: 'temperature', value: -0.1 });
  });
});

describe('BTHome encoder', () => {
  it('refuses what it cannot represent', () => {
    const code = (r: ReturnType<typeof encodeBthome>) => (r.ok ? 'ok' : r.error.code);
    const battery = (value: number): BthomeObject => ({ kind: 'number', id: 1, name: 'battery', value });
    expect(code(encodeBthome({ objects: [battery(256)] }))).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(code(encodeBthome({ objects: [battery(Number.NaN)] }))).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(code(encodeBthome({ objects: [{ kind: 'binary', id: 1, name: 'x', value: true }] }))).toBe(
      'BAKEN_ERR_ADVERT_FORMAT',
    );
    expect(code(encodeBthome({ objects: [{ kind: 'number', id: 0xfe, name: 'x', value: 1 }] }))).toBe(
      'BAKEN_ERR_ADVERT_FORMAT',
    );
    expect(
      code(
        encodeBthome({
          objects: [{ kind: 'dimmer', id: 0x3c, name: 'dimmer', event: 'rotate_left', steps: 256 }],
        }),
      ),
    ).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(
      code(encodeBthome({ objects: [{ kind: 'text', id: 0x53, name: 'text', value: 'x'.repeat(256) }] })),
    ).toBe('BAKEN_ERR_ADVERT_FORMAT');
    expect(code(encodeBthome({ objects: [], addressInPayload: 'bad' }))).toBe('BAKEN_ERR_ADVERT_FORMAT');
    const encryption = { key: bindKey, address: '54:48:E6:8F:80:A5', counter: 1 };
    expect(code(encodeBthome({ objects: [], encryption: { ...encryption, address: 'x' } }))).toBe(
      'BAKEN_ERR_ADVERT_FORMAT',
    );
    expect(code(encodeBthome({ objects: [], encryption: { ...encryption, key: new Uint8Array(15) } }))).toBe(
      'BAKEN_ERR_ADVERT_FORMAT',
    );
    expect(code(encodeBthome({ objects: [], encryption: { ...encryption, counter: -1 } }))).toBe(
      'BAKEN_ERR_ADVERT_FORMAT',
    );
  });

  it('reproduces the bthome.io encrypted vector byte for byte', () => {
    const r = encodeBthome({
      objects: [
        { kind: 'number', id: 0x02, name: 'temperature', value: 25.06 },
        { kind: 'number', id: 0x03, name: 'humidity', value: 50.55 },
      ],
      encryption: { key: bindKey, address: '54:48:E6:8F:80:A5', counter: 0x00112233 },
    });
    expect(r.ok && Buffer.from(r.value).toString('hex')).toBe('41e445f3c9962b332211006c7c4519');
  });
});

/** Any object of the table with a value drawn from its raw range. */
const arbObject: fc.Arbitrary<BthomeObject> = fc.constantFrom(...BTHOME_OBJECT_IDS).chain((id) => {
  const def = bthomeObjectDef(id)!;
  switch (def.kind) {
    case 'binary':
      return fc.boolean().map((value): BthomeObject => ({ kind: 'binary', id, name: def.name, value }));
    case 'button':
      return fc
        .constantFrom(
          'none',
          'press',
          'double_press',
          'triple_press',
          'long_press',
          'long_double_press',
          'long_triple_press',
          'hold_press',
        )
        .map((event): BthomeObject => ({ kind: 'button', id: 0x3a, name: 'button', event }));
    case 'dimmer':
      return fc
        .record({
          event: fc.constantFrom('none', 'rotate_left', 'rotate_right'),
          steps: fc.integer({ min: 0, max: 255 }),
        })
        .map((d): BthomeObject => ({ kind: 'dimmer', id: 0x3c, name: 'dimmer', ...d }));
    case 'text':
      return fc
        .string({ maxLength: 20 })
        .map((value): BthomeObject => ({ kind: 'text', id: 0x53, name: 'text', value }));
    case 'raw':
      return fc
        .uint8Array({ maxLength: 20 })
        .map((value): BthomeObject => ({ kind: 'raw', id: 0x54, name: 'raw', value }));
    case 'number': {
      const bits = def.size * 8;
      const min = def.signed ? -(2 ** (bits - 1)) : 0;
      const max = def.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
      return fc.integer({ min, max }).map(
        (raw): BthomeObject => ({
          kind: 'number',
          id,
          name: def.name,
          value: def.multiplier === undefined ? raw / def.divisor : raw * def.multiplier,
          ...(def.unit === undefined ? {} : { unit: def.unit }),
        }),
      );
    }
  }
});

describe('BTHome address in the payload', () => {
  it('round-trips plain and encrypted, the payload address feeding the nonce', () => {
    const objects: BthomeObject[] = [{ kind: 'button', id: 0x3a, name: 'button', event: 'press' }];
    const address = '3C:2E:F5:AB:CD:EF';
    const plainAdvert = encodeBthome({ objects, addressInPayload: address });
    expect(plainAdvert.ok && Buffer.from(plainAdvert.value).toString('hex')).toBe('42efcdabf52e3c3a01');
    const sealed = encodeBthome({
      objects,
      addressInPayload: address,
      encryption: { key: bindKey, address, counter: 3 },
    });
    if (!sealed.ok) throw sealed.error;
    const r = decodeBthome(sealed.value, { key: bindKey });
    expect(r.ok && [r.value.addressInPayload, r.value.buttons, r.value.counter]).toEqual([
      address,
      ['press'],
      3,
    ]);
  });
});

describe('BTHome properties', () => {
  it('decode(encode(x)) = x, plain and encrypted', () => {
    fc.assert(
      fc.property(
        fc.array(arbObject, { maxLength: 8 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 0xffffffff })),
        (objects, triggerBased, counter) => {
          const address = '3C:2E:F5:12:34:56';
          const encoded = encodeBthome({
            objects,
            triggerBased,
            ...(counter === null ? {} : { encryption: { key: bindKey, address, counter } }),
          });
          expect(encoded.ok).toBe(true);
          if (!encoded.ok) return;
          const decoded = decodeBthome(encoded.value, { key: bindKey, address });
          expect(decoded.ok).toBe(true);
          if (!decoded.ok) return;
          expect(decoded.value.objects).toEqual(objects);
          expect(decoded.value.triggerBased).toBe(triggerBased);
          expect(decoded.value.encrypted).toBe(counter !== null);
          expect(decoded.value.counter).toBe(counter);
          expect(decoded.value.stopped).toBeNull();
        },
      ),
    );
  });

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (bytes, withKey) => {
        const r = decodeBthome(bytes, withKey ? { key: bindKey, address: '54:48:E6:8F:80:A5' } : {});
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
