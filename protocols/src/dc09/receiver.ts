import type { ProtocolError } from '../errors.js';
import { type Dc09Cid, dc09ParseCid } from './adm-cid.js';
import type { Dc09Random } from './crypto.js';
import { type Dc09Frame, dc09DecodeFrame } from './frame.js';
import { type Dc09Message, dc09OpenFrame } from './message.js';
import { dc09Ack, dc09Duh, dc09Nak } from './responses.js';
import { type Dc09Sia, dc09ParseSia } from './sia-dcs.js';
import { DC09_DEFAULT_WINDOW, type Dc09TimeWindow, dc09CheckWindow } from './timestamp.js';

/**
 * The receiver's decision for one frame — [DC09 SPEC §4.1, §5]: one pure engine for every Baken
 * receiver (the server's and the stand-alone `baken-dc09 listen`). It says what to answer and why;
 * duplicate suppression by sequence and storing the event stay with the caller.
 */

/** What the receiver knows about an account; `undefined` from the lookup = unknown account. */
export interface Dc09AccountPolicy {
  /** With a key the account is encrypted-only: a plain message is refused (no downgrade). */
  key?: Uint8Array;
  window?: Dc09TimeWindow;
}

export interface Dc09ReceiveContext {
  /** The receiver's clock (ms). */
  now: number;
  account(account: string): Dc09AccountPolicy | undefined;
  /** Pad source for encrypted ACKs. */
  random: Dc09Random;
}

export type Dc09NakReason =
  | 'frame'
  | 'unknown_account'
  | 'no_key'
  | 'decrypt'
  | 'plain_for_encrypted_account'
  | 'too_old'
  | 'too_new'
  | 'missing_timestamp';

export type Dc09Verdict =
  | {
      kind: 'ack';
      answer: Uint8Array;
      message: Dc09Message;
      /** Parsed content: SIA DCS or Contact ID; absent for NULL. */
      sia?: Dc09Sia;
      cid?: Dc09Cid;
      skewMs: number;
    }
  | { kind: 'duh'; answer: Uint8Array; frame: Dc09Frame; error: ProtocolError }
  | {
      kind: 'nak';
      answer: Uint8Array;
      reason: Dc09NakReason;
      frame?: Dc09Frame;
      error?: ProtocolError;
      skewMs?: number;
    }
  /** An ACK, NAK or DUH sent to a receiver: not answered. */
  | { kind: 'ignore'; frame: Dc09Frame };

const EMPTY = new Uint8Array(0);

export function dc09Receive(bytes: Uint8Array, ctx: Dc09ReceiveContext): Dc09Verdict {
  const nakBytes = dc09Nak(ctx.now);
  const nak = nakBytes.ok ? nakBytes.value : EMPTY;
  const decoded = dc09DecodeFrame(bytes);
  if (!decoded.ok) return { kind: 'nak', answer: nak, reason: 'frame', error: decoded.error };
  const frame = decoded.value;
  if (frame.token === 'ACK' || frame.token === 'NAK' || frame.token === 'DUH')
    return { kind: 'ignore', frame };
  const policy = ctx.account(frame.account);
  if (!policy) return { kind: 'nak', answer: nak, reason: 'unknown_account', frame };
  if (frame.encrypted && !policy.key) return { kind: 'nak', answer: nak, reason: 'no_key', frame };
  if (!frame.encrypted && policy.key)
    return { kind: 'nak', answer: nak, reason: 'plain_for_encrypted_account', frame };
  const opened = dc09OpenFrame(frame, policy.key);
  if (!opened.ok) {
    if (frame.encrypted) return { kind: 'nak', answer: nak, reason: 'decrypt', frame, error: opened.error };
    return duh(frame, opened.error);
  }
  const message = opened.value;
  const w = dc09CheckWindow(
    message.timestamp,
    ctx.now,
    policy.window ?? DC09_DEFAULT_WINDOW,
    frame.encrypted,
  );
  if (!w.ok) {
    const reason = w.reason === 'missing' ? 'missing_timestamp' : w.reason;
    return { kind: 'nak', answer: nak, reason, frame, skewMs: w.skewMs };
  }
  let content: { sia?: Dc09Sia; cid?: Dc09Cid } = {};
  if (message.token === 'SIA-DCS') {
    const sia = dc09ParseSia(message.data);
    if (!sia.ok) return duh(frame, sia.error);
    content = { sia: sia.value };
  } else if (message.token === 'ADM-CID') {
    const cid = dc09ParseCid(message.data);
    if (!cid.ok) return duh(frame, cid.error);
    content = { cid: cid.value };
  }
  const ack = dc09Ack(message, {
    now: ctx.now,
    ...(policy.key ? { key: policy.key } : {}),
    random: ctx.random,
  });
  if (!ack.ok) return { kind: 'nak', answer: nak, reason: 'frame', frame, error: ack.error };
  return { kind: 'ack', answer: ack.value, message, ...content, skewMs: w.skewMs };
}

function duh(frame: Dc09Frame, error: ProtocolError): Dc09Verdict {
  const d = dc09Duh(frame);
  return { kind: 'duh', answer: d.ok ? d.value : EMPTY, frame, error };
}
