import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBthome, parseBthomeObjects } from './bthome-decode.js';
import { encodeBthome } from './bthome-encode.js';
import { BTHOME_OBJECT_VECTORS } from './bthome-object-vectors.js';
import { BTHOME_OBJECT_IDS, bthomeObjectDef } from './bthome-objects.js';
import type { BthomeObject } from './bthome-types.js';
import { BTHOME_BINDKEY_HEX, BTHOME_VECTORS } from './vectors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bindKey = hex(BTHOME_BINDKEY_HEX);

/** An object reduced as the vectors write it [PENDANT SPEC §6.1]. */
function summarise(o: BthomeObject): [string, unknown] {
  switch (o.kind) {
    case 'button':
      return [o.name, o.event === 'unknown' ? `unknown ${o.code}` : o.event];
    case 'dimmer':
      return [o.name, `${o.event === 'unknown' ? `unknown ${o.code}` : o.event} ${o.steps}`];
    case 'command':
      return [o.name, `${o.command} ${o.opcode} ${toHex(o.args)}`];
    case 'text':
      return [o.name, o.value ?? `invalid utf8 ${toHex(o.bytes)}`];
    case 'raw':
      return [o.name, toHex(o.value)];
    default:
      return [o.name, o.value];
  }
}

describe('BTHome v2 object table: the format page example of every object id [PENDANT SPEC §6.1.1]', () => {
  it('has a vector for every id of the table, and no vector for an id outside it', () => {
    const covered = new Set(BTHOME_OBJECT_VECTORS.map((v) => Number.parseInt(v.hex.slice(0, 2), 16)));
    expect([...covered].sort((a, b) => a - b)).toEqual(BTHOME_OBJECT_IDS);
  });
  for (const v of BTHOME_OBJECT_VECTORS) {
    it(`${v.hex} → ${v.name} ${String(v.value)}`, () => {
      const r = decodeBthome(hex(`40${v.hex}`));
      if (!r.ok) throw r.error;
      expect(r.value.stopped).toBeNull();
      expect(r.value.objects.map(summarise)).toEqual([[v.name, v.value]]);
      const again = encodeBthome({ objects: r.value.objects });
      expect(again.ok && toHex(again.value)).toBe(`40${v.hex}`);
    });
  }
});

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
    expect(parseBthomeObjects(hex('3b0300')).stopped?.reason).toBe('truncated');
    expect(parseBthomeObjects(hex('3b')).stopped?.reason).toBe('truncated');
    expect(parseBthomeObjects(hex('5300')).objects).toEqual([
      { kind: 'text', id: 0x53, name: 'text', value: '' },
    ]);
  });

  it('invalid UTF-8 (overlong, lone surrogate, cut sequence) is flagged with its bytes, never replaced', () => {
    for (const bad of ['c0af', 'eda080', 'e282', 'ff']) {
      const bytes = hex(bad);
      const r = parseBthomeObjects(hex(`53${bytes.length.toString(16).padStart(2, '0')}${bad}0161`));
      expect(r.objects[0]).toEqual({
        kind: 'text',
        id: 0x53,
        name: 'text',
        value: null,
        invalid: 'utf8',
        bytes,
      });
      expect(r.objects[1]).toMatchObject({ name: 'battery', value: 97 });
    }
    expect(parseBthomeObjects(hex('5302c3a9')).objects[0]).toMatchObject({ value: 'é' });
  });

  it('an out-of-format binary byte reads as true, keeps its raw value and does not stop parsing', () => {
    const r = parseBthomeObjects(hex('0f020161'));
    expect(r.objects[0]).toEqual({ kind: 'binary', id: 0x0f, name: 'generic_boolean', value: true, raw: 2 });
    expect(r.objects).toHaveLength(2);
    expect(r.stopped).toBeNull();
  });

  it('unknown button, dimmer and command codes are reported, the objects after them kept', () => {
    const r = parseBthomeObjects(hex('3afe3c05813b0109aa0161'));
    expect(r.stopped).toBeNull();
    expect(r.objects.map(summarise)).toEqual([
      ['button', 'unknown 254'],
      ['dimmer', 'unknown 5 -127'],
      ['command', 'unknown 9 aa'],
      ['battery', 97],
    ]);
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

/** The bytes of one object of the table: its id and any value bytes of the right size. */
const arbObjectBytes: fc.Arbitrary<Uint8Array> = fc.constantFrom(...BTHOME_OBJECT_IDS).chain((id) => {
  const def = bthomeObjectDef(id)!;
  const withId = (value: Uint8Array | number[]) => Uint8Array.from([id, ...value]);
  switch (def.kind) {
    case 'text':
      return fc
        .oneof(
          fc.string({ maxLength: 12, unit: 'binary' }).map((t) => Uint8Array.from(Buffer.from(t, 'utf8'))),
          fc.uint8Array({ maxLength: 12 }),
        )
        .map((v) => withId([v.length, ...v]));
    case 'raw':
      return fc.uint8Array({ maxLength: 20 }).map((v) => withId([v.length, ...v]));
    case 'command':
      return fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 31 }))
        .map(([opcode, args]) => withId([args.length, opcode, ...args]));
    default:
      return fc.uint8Array({ minLength: def.size, maxLength: def.size }).map(withId);
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
  it('every object list parses whole, and encode(decode(bytes)) = bytes, plain and encrypted', () => {
    fc.assert(
      fc.property(
        fc.array(arbObjectBytes, { maxLength: 8 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 0xffffffff })),
        (parts, triggerBased, counter) => {
          const bytes = Buffer.concat(parts);
          const parsed = parseBthomeObjects(bytes);
          expect(parsed.stopped).toBeNull();
          expect(parsed.objects).toHaveLength(parts.length);
          const address = '3C:2E:F5:12:34:56';
          const encoded = encodeBthome({
            objects: parsed.objects,
            triggerBased,
            ...(counter === null ? {} : { encryption: { key: bindKey, address, counter } }),
          });
          if (!encoded.ok) throw encoded.error;
          if (counter === null) expect(toHex(encoded.value.subarray(1))).toBe(bytes.toString('hex'));
          const decoded = decodeBthome(encoded.value, { key: bindKey, address });
          if (!decoded.ok) throw decoded.error;
          expect(decoded.value.objects).toEqual(parsed.objects);
          expect(decoded.value.triggerBased).toBe(triggerBased);
          expect(decoded.value.encrypted).toBe(counter !== null);
          expect(decoded.value.counter).toBe(counter);
          expect(decoded.value.stopped).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decode never throws for any bytes, with or without key and address', () => {
    const options = fc.record(
      {
        key: fc.uint8Array({ minLength: 0, maxLength: 17 }),
        address: fc.oneof(fc.constant('54:48:E6:8F:80:A5'), fc.string({ maxLength: 20 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), fc.boolean(), options, (bytes, v2, opts) => {
        // half the runs carry a version-2 device-info byte so the object parser is reached
        const data =
          v2 && bytes.length > 0 ? Uint8Array.from([0x40 | (bytes[0]! & 0x1f), ...bytes.subarray(1)]) : bytes;
        const r = decodeBthome(data, opts);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.code).toMatch(/^BAKEN_ERR_ADVERT_/);
        const p = parseBthomeObjects(bytes);
        expect(Array.isArray(p.objects)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
