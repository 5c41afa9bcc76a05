import { fail, ok, type Result } from '../errors.js';
import type { Dc09Random } from './crypto.js';
import { type Dc09Header, dc09DecodeFrame } from './frame.js';
import { dc09Encode, dc09OpenFrame } from './message.js';

/**
 * Receiver answers — [DC09 SPEC §4]:
 * - ACK echoes sequence, receiver, line and account. To an encrypted message it is `*ACK`, its body
 *   `pad|]_timestamp` encrypted with the same key; to a plain one `"ACK"…[]`.
 * - DUH ("message not understood"): plain, echoes the header, `[]`.
 * - NAK: plain, `"NAK"0000R0L0A0[]_timestamp` with the receiver's own clock, so a sender whose
 *   timestamp fell outside the window can correct its clock.
 */

type Addressed = Pick<Dc09Header, 'sequence' | 'receiver' | 'line' | 'account' | 'encrypted'>;

const echo = (to: Addressed): Omit<Dc09Header, 'token' | 'encrypted'> => {
  const h: Omit<Dc09Header, 'token' | 'encrypted'> = {
    sequence: to.sequence,
    line: to.line,
    account: to.account,
  };
  if (to.receiver !== undefined) h.receiver = to.receiver;
  return h;
};

export interface Dc09AckOptions {
  /** The receiver's clock (ms); goes into an encrypted ACK. */
  now: number;
  key?: Uint8Array;
  random?: Dc09Random;
}

export function dc09Ack(to: Addressed, options: Dc09AckOptions): Result<Uint8Array> {
  if (!to.encrypted)
    return dc09Encode({ token: 'ACK', encrypted: false, ...echo(to), data: '', extended: [] });
  return dc09Encode(
    { token: 'ACK', encrypted: true, ...echo(to), data: '', extended: [], timestamp: options.now },
    options,
  );
}

export function dc09Duh(to: Addressed): Result<Uint8Array> {
  return dc09Encode({ token: 'DUH', encrypted: false, ...echo(to), data: '', extended: [] });
}

/** Always succeeds for a time between 0000 and 9999 AD. */
export function dc09Nak(now: number): Result<Uint8Array> {
  return dc09Encode({
    token: 'NAK',
    encrypted: false,
    sequence: 0,
    receiver: '0',
    line: '0',
    account: '',
    data: '',
    extended: [],
    timestamp: now,
  });
}

/** What a sender learns from the receiver's answer. */
export type Dc09Reply =
  | { kind: 'ack'; timestamp?: number }
  | { kind: 'duh' }
  /** `timestamp`: the receiver's clock, when the NAK carries one — use it to correct the sender's. */
  | { kind: 'nak'; timestamp?: number };

/**
 * Reads the answer to a message the sender sent (`sent`). Strict where safety needs it: an ACK or
 * DUH must echo the sequence and account, and an encrypted message must be answered by an ACK that
 * decrypts with the same key (a plain ACK could be forged without the key) [DC09 SPEC §4.2].
 */
export function dc09ReadReply(bytes: Uint8Array, sent: Addressed, key?: Uint8Array): Result<Dc09Reply> {
  const frame = dc09DecodeFrame(bytes);
  if (!frame.ok) return frame;
  const f = frame.value;
  if (f.token === 'NAK') {
    const m = dc09OpenFrame(f);
    if (!m.ok) return ok({ kind: 'nak' });
    return ok(
      m.value.timestamp === undefined ? { kind: 'nak' } : { kind: 'nak', timestamp: m.value.timestamp },
    );
  }
  if (f.token !== 'ACK' && f.token !== 'DUH')
    return fail('BAKEN_ERR_DC09_REPLY', `answer is ${f.token}, not ACK, NAK or DUH`, { token: f.token });
  if (f.sequence !== sent.sequence || f.account.toUpperCase() !== sent.account.toUpperCase())
    return fail('BAKEN_ERR_DC09_REPLY', 'answer is for another sequence or account', {
      sequence: f.sequence,
      account: f.account,
    });
  if (f.token === 'DUH') return ok({ kind: 'duh' });
  if (sent.encrypted && !f.encrypted)
    return fail('BAKEN_ERR_DC09_REPLY', 'plain ACK to an encrypted message', { sequence: f.sequence });
  const m = dc09OpenFrame(f, key);
  if (!m.ok)
    return fail('BAKEN_ERR_DC09_REPLY', `ACK does not open: ${m.error.message}`, { cause: m.error.code });
  return ok(
    m.value.timestamp === undefined ? { kind: 'ack' } : { kind: 'ack', timestamp: m.value.timestamp },
  );
}
