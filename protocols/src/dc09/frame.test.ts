import { describe, expect, it } from 'vitest';
import { dc09Crc, dc09Hex4 } from './crc.js';
import { Dc09Deframer } from './deframer.js';
import { dc09DecodeFrame, dc09EncodeFrame, dc09Printable } from './frame.js';
import { DC09_GOLDEN_VECTORS } from './golden-vectors.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const frameOf = (body: string): string =>
  `\n${dc09Hex4(dc09Crc(bytes(body)))}${dc09Hex4(body.length)}${body}\r`;
const code = (s: string | Uint8Array) => {
  const r = dc09DecodeFrame(typeof s === 'string' ? bytes(s) : s);
  return r.ok ? 'ok' : r.error.code;
};
const plain = DC09_GOLDEN_VECTORS[0]!.frame;

describe('DC-09 frame [DC09 SPEC §2]', () => {
  it('names what is wrong with a frame', () => {
    expect(code(plain)).toBe('ok');
    expect(code(plain.slice(1))).toBe('BAKEN_ERR_DC09_FRAME');
    expect(code(plain.slice(0, -1))).toBe('BAKEN_ERR_DC09_FRAME');
    expect(code(plain.replace('EE2F', 'EE2E'))).toBe('BAKEN_ERR_DC09_CRC');
    expect(code(plain.replace('003D', '003E'))).toBe('BAKEN_ERR_DC09_LENGTH');
    expect(code(frameOf('"SIA-DCX"0001L0#1234[]'))).toBe('BAKEN_ERR_DC09_HEADER');
    expect(code(frameOf('"SIA-DCS"01L0#1234[]'))).toBe('BAKEN_ERR_DC09_HEADER');
    expect(code(frameOf('"*NAK"0000R0L0A0[]'))).toBe('BAKEN_ERR_DC09_HEADER');
    expect(code(frameOf('"SIA-DCS"0001L0#1234[\x7f]'))).toBe('BAKEN_ERR_DC09_CHARSET');
  });

  it('accepts trailing NULs after the CR (padded UDP datagrams)', () => {
    expect(code(new Uint8Array([...bytes(plain), 0, 0, 0]))).toBe('ok');
  });

  it('accepts the 2-byte binary CRC some panels send', () => {
    const body = '"SIA-DCS"0001L0#1234[#1234|NBA1]';
    const crc = dc09Crc(bytes(body));
    const f = new Uint8Array([0x0a, crc >> 8, crc & 0xff, ...bytes(dc09Hex4(body.length) + body), 0x0d]);
    const r = dc09DecodeFrame(f);
    expect(r.ok && [r.value.crcFormat, r.value.body]).toEqual(['binary', '#1234|NBA1]']);
  });

  it('reads a frame without an account field and the NAK placeholder A0', () => {
    const r = dc09DecodeFrame(bytes(frameOf('"SIA-DCS"4738R0001L0001[#006969|Nri04/OP001NM]')));
    expect(r.ok && [r.value.account, r.value.receiver, r.value.line]).toEqual(['', '0001', '0001']);
  });

  it('refuses header fields a sender must not send, naming the field', () => {
    const h = { token: 'SIA-DCS' as const, encrypted: false, sequence: 1, line: '0', account: '1234' };
    const field = (over: object) => {
      const r = dc09EncodeFrame({ ...h, ...over }, '');
      return r.ok ? 'ok' : r.error.detail['field'];
    };
    expect(field({})).toBe('ok');
    expect(field({ sequence: 10000 })).toBe('sequence');
    expect(field({ sequence: 1.5 })).toBe('sequence');
    expect(field({ receiver: 'G' })).toBe('receiver');
    expect(field({ line: '1234567' })).toBe('line');
    expect(field({ account: '' })).toBe('ok');
    expect(field({ account: '12 4' })).toBe('account');
    expect(field({ token: 'DUH', encrypted: true })).toBe('encrypted');
    expect(dc09EncodeFrame(h, 'é').ok).toBe(false);
  });

  it('prints control bytes of a rejected frame readably', () => {
    expect(dc09Printable(bytes('\nAB\r\x00'))).toBe('<0x0A>AB<0x0D><0x00>');
  });
});

describe('Dc09Deframer [DC09 SPEC §2.7]', () => {
  it('drops a frame cut short by a new LF and counts it', () => {
    const d = new Dc09Deframer();
    const out = d.push(bytes(`${plain.slice(0, 20)}${plain}`));
    expect(out.map((f) => Buffer.from(f).toString('latin1'))).toEqual([plain]);
    expect(d.stats.garbageBytes).toBe(20);
  });

  it('drops a candidate that runs past the maximum without a CR', () => {
    const d = new Dc09Deframer();
    expect(d.push(bytes(`\n${'A'.repeat(3000)}`))).toEqual([]);
    expect(d.stats.oversize).toBe(1);
    expect(d.push(bytes(plain)).length).toBe(1);
  });

  it('holds an incomplete frame until its CR arrives', () => {
    const d = new Dc09Deframer();
    expect(d.push(bytes(plain.slice(0, 30)))).toEqual([]);
    expect(d.pending).toBe(30);
    expect(d.push(bytes(plain.slice(30))).length).toBe(1);
  });
});
