import { describe, expect, it } from 'vitest';
import { dc09Encrypt } from './crypto.js';
import { dc09EncodeFrame } from './frame.js';
import { DC09_GOLDEN_ANSWERS, DC09_GOLDEN_KEYS, DC09_GOLDEN_VECTORS } from './golden-vectors.js';
import { dc09Decode, dc09Encode } from './message.js';
import { dc09ReadReply } from './responses.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const sent = { sequence: 3, receiver: '12', line: '1', account: '1234', encrypted: true };
const code = (
  frame: string | Uint8Array,
  to = sent,
  key: Uint8Array | undefined = DC09_GOLDEN_KEYS.aes128,
) => {
  const r = dc09ReadReply(typeof frame === 'string' ? bytes(frame) : frame, to, key);
  return r.ok ? r.value.kind : r.error.code;
};

describe('reading the receiver answer strictly [DC09 SPEC §4.2]', () => {
  it('refuses a plain ACK to an encrypted message (it could be forged without the key)', () => {
    expect(code(DC09_GOLDEN_ANSWERS.ack)).toBe('BAKEN_ERR_DC09_REPLY');
    expect(code(DC09_GOLDEN_ANSWERS.ack, { ...sent, encrypted: false })).toBe('ack');
  });

  it('refuses an *ACK that does not open with the key', () => {
    expect(code(DC09_GOLDEN_ANSWERS.ackEncrypted, sent, DC09_GOLDEN_KEYS.aes256)).toBe(
      'BAKEN_ERR_DC09_REPLY',
    );
    const noKey = dc09ReadReply(bytes(DC09_GOLDEN_ANSWERS.ackEncrypted), sent);
    expect(!noKey.ok && noKey.error.code).toBe('BAKEN_ERR_DC09_REPLY');
  });

  it('refuses an answer for another sequence or account', () => {
    expect(code(DC09_GOLDEN_ANSWERS.duh, { ...sent, sequence: 4 })).toBe('BAKEN_ERR_DC09_REPLY');
    expect(code(DC09_GOLDEN_ANSWERS.duh, { ...sent, account: '9999' })).toBe('BAKEN_ERR_DC09_REPLY');
  });

  it('refuses a message that is not an answer', () => {
    expect(code(DC09_GOLDEN_VECTORS[0]!.frame)).toBe('BAKEN_ERR_DC09_REPLY');
  });

  it('takes a NAK without a timestamp as a NAK', () => {
    const nak = dc09Encode({
      token: 'NAK',
      encrypted: false,
      sequence: 0,
      line: '0',
      account: '',
      data: '',
      extended: [],
    });
    expect(nak.ok && code(nak.value)).toBe('nak');
  });
});

describe('opening encrypted frames', () => {
  it('refuses an encrypted body without a timestamp as a wrong key', () => {
    const key = DC09_GOLDEN_KEYS.aes128;
    const body = dc09Encrypt(key, '#1234|NBA1]', (n) => new Uint8Array(n));
    if (!body.ok) throw body.error;
    const f = dc09EncodeFrame({ ...sent, token: 'SIA-DCS' }, body.value);
    if (!f.ok) throw f.error;
    const r = dc09Decode(f.value, () => key);
    expect(!r.ok && r.error.code).toBe('BAKEN_ERR_DC09_DECRYPT');
  });
});
