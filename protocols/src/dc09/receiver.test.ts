import { describe, expect, it } from 'vitest';
import { dc09CidData } from './adm-cid.js';
import { dc09Crc, dc09Hex4 } from './crc.js';
import {
  DC09_GOLDEN_ANSWERS,
  DC09_GOLDEN_KEYS,
  DC09_GOLDEN_T0,
  DC09_GOLDEN_VECTORS,
  dc09GoldenRandom,
} from './golden-vectors.js';
import { type Dc09Message, dc09Encode } from './message.js';
import { type Dc09AccountPolicy, dc09Receive } from './receiver.js';
import { dc09ReadReply } from './responses.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const vector = (name: string) => bytes(DC09_GOLDEN_VECTORS.find((v) => v.name.startsWith(name))!.frame);
const plainAccount: Dc09AccountPolicy = {};
const ctx = (accounts: Record<string, Dc09AccountPolicy>, now = DC09_GOLDEN_T0) => ({
  now,
  account: (a: string) => accounts[a],
  random: dc09GoldenRandom,
});
const summary = (v: ReturnType<typeof dc09Receive>) => (v.kind === 'nak' ? `nak:${v.reason}` : v.kind);

describe('dc09Receive — the receiver engine [DC09 SPEC §4.1, §5]', () => {
  it('ACKs a plain SIA-DCS message and returns its parsed content', () => {
    const v = dc09Receive(vector('SIA-DCS pendant alarm, plain'), ctx({ '1234': plainAccount }));
    expect(v.kind).toBe('ack');
    if (v.kind !== 'ack') return;
    expect(v.sia?.events[0]).toMatchObject({ code: 'QA', address: '001', modifiers: { ri: '1' } });
    const sent = { sequence: 1, receiver: '12', line: '1', account: '1234', encrypted: false };
    expect(dc09ReadReply(v.answer, sent)).toEqual({ ok: true, value: { kind: 'ack' } });
  });

  it('ACKs an encrypted ADM-CID message with an encrypted ACK', () => {
    const v = dc09Receive(
      vector('ADM-CID pendant alarm, AES-192'),
      ctx({ '1234': { key: DC09_GOLDEN_KEYS.aes192 } }),
    );
    expect(v.kind === 'ack' && v.cid).toEqual({
      account: '1234',
      qualifier: 1,
      code: '101',
      group: '01',
      zone: '001',
    });
    if (v.kind !== 'ack') return;
    const sent = { sequence: 4, receiver: '12', line: '1', account: '1234', encrypted: true };
    expect(dc09ReadReply(v.answer, sent, DC09_GOLDEN_KEYS.aes192)).toEqual({
      ok: true,
      value: { kind: 'ack', timestamp: DC09_GOLDEN_T0 },
    });
  });

  it('NAKs with its own time: unknown account, missing key, wrong key, plain on an encrypted account', () => {
    const enc = vector('NULL supervision, AES-128');
    expect(summary(dc09Receive(enc, ctx({})))).toBe('nak:unknown_account');
    expect(summary(dc09Receive(enc, ctx({ '1234': plainAccount })))).toBe('nak:no_key');
    expect(summary(dc09Receive(enc, ctx({ '1234': { key: DC09_GOLDEN_KEYS.aes256 } })))).toBe('nak:decrypt');
    const plain = vector('NULL supervision, plain');
    const v = dc09Receive(plain, ctx({ '1234': { key: DC09_GOLDEN_KEYS.aes128 } }));
    expect(summary(v)).toBe('nak:plain_for_encrypted_account');
    expect(text(v.kind === 'nak' ? v.answer : new Uint8Array())).toBe(DC09_GOLDEN_ANSWERS.nak);
  });

  it('NAKs a timestamp outside the window, refusing a replay, with the skew', () => {
    const enc = vector('NULL supervision, AES-128');
    const acct = { '1234': { key: DC09_GOLDEN_KEYS.aes128 } };
    const late = dc09Receive(enc, ctx(acct, DC09_GOLDEN_T0 + 41_000));
    expect(late.kind === 'nak' && [late.reason, late.skewMs]).toEqual(['too_old', -41_000]);
    expect(summary(dc09Receive(enc, ctx(acct, DC09_GOLDEN_T0 - 21_000)))).toBe('nak:too_new');
    const wide = { '1234': { key: DC09_GOLDEN_KEYS.aes128, window: { pastMs: 120_000, futureMs: 0 } } };
    expect(summary(dc09Receive(enc, ctx(wide, DC09_GOLDEN_T0 + 100_000)))).toBe('ack');
  });

  it('DUHs content it cannot read, but ACKs event codes it has no label for', () => {
    const msg = (data: string): Uint8Array => {
      const m: Dc09Message = {
        token: 'ADM-CID',
        encrypted: false,
        sequence: 9,
        line: '0',
        account: '1234',
        data,
        extended: [],
      };
      const e = dc09Encode({ ...m, timestamp: DC09_GOLDEN_T0 });
      return e.ok ? e.value : new Uint8Array();
    };
    expect(summary(dc09Receive(msg('#1234|hello'), ctx({ '1234': plainAccount })))).toBe('duh');
    const unknown = dc09CidData({ account: '1234', qualifier: 1, code: 987, group: 1, zone: 1 });
    expect(summary(dc09Receive(msg(unknown.ok ? unknown.value : ''), ctx({ '1234': plainAccount })))).toBe(
      'ack',
    );
  });

  it('NAKs a broken frame and ignores answers sent to it', () => {
    const broken = vector('SIA-DCS pendant alarm, plain').slice(0, 20);
    expect(summary(dc09Receive(broken, ctx({ '1234': plainAccount })))).toBe('nak:frame');
    expect(summary(dc09Receive(bytes(DC09_GOLDEN_ANSWERS.ack), ctx({ '1234': plainAccount })))).toBe(
      'ignore',
    );
  });

  it('answers a frame without an account field without one', () => {
    const body = '"SIA-DCS"0007L0[#006969|NBA1]';
    const f = bytes(`\n${dc09Hex4(dc09Crc(bytes(body)))}${dc09Hex4(body.length)}${body}\r`);
    const v = dc09Receive(f, ctx({ '': plainAccount }));
    expect(v.kind === 'ack' && text(v.answer)).toMatch(/"ACK"0007L0\[\]\r$/);
  });
});
