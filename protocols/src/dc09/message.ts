import { fail, ok, type Result } from '../errors.js';
import { type Dc09Random, dc09Decrypt, dc09Encrypt } from './crypto.js';
import { type Dc09Frame, type Dc09Header, dc09DecodeFrame, dc09EncodeFrame } from './frame.js';
import { dc09FormatTimestamp, dc09ParseTimestamp } from './timestamp.js';

/** One extended-data block `[Xvalue]`: `id` is its first character (X, Y, M, V, H, K, …) [DC09 SPEC §2.5]. */
export interface Dc09Extended {
  id: string;
  value: string;
}

/** A complete DC-09 message: header, data block, extended data, timestamp [DC09 SPEC §2]. */
export interface Dc09Message extends Dc09Header {
  /** The data between `[` and `]` — SIA DCS (`#1234|Nri1/QA001`) or ADM-CID (`#1234|1101 01 001`) content. */
  data: string;
  extended: readonly Dc09Extended[];
  /** ms since the epoch (UTC, whole seconds); required when encrypted. */
  timestamp?: number;
}

export interface Dc09EncodeOptions {
  /** Account key; required when `message.encrypted`. Never logged. */
  key?: Uint8Array;
  /** Random bytes for the pad; required when `message.encrypted`. */
  random?: Dc09Random;
}

const DATA = /^[\x20-\x5c\x5e-\x7e]*$/; // printable, no ']'
const EXT = /^[\x21-\x5a\x5c\x5e-\x7e][\x20-\x5a\x5c\x5e-\x7e]*$/; // no '[' or ']'

/** `data]` `[ext]…` `_timestamp` — what follows the `[` of a plain frame, and what gets encrypted. */
function innerText(m: Dc09Message): Result<string> {
  if (!DATA.test(m.data))
    return fail('BAKEN_ERR_DC09_FIELD', 'data must be printable, without ]', { field: 'data' });
  let s = `${m.data}]`;
  for (const x of m.extended) {
    if (!EXT.test(x.id + x.value) || x.id.length !== 1)
      return fail('BAKEN_ERR_DC09_FIELD', 'extended data: one id character, no brackets', {
        field: 'extended',
      });
    s += `[${x.id}${x.value}]`;
  }
  if (m.timestamp !== undefined) {
    if (!Number.isFinite(m.timestamp) || m.timestamp < 0 || m.timestamp >= 253402300800000)
      return fail('BAKEN_ERR_DC09_FIELD', 'timestamp out of range', { field: 'timestamp' });
    s += dc09FormatTimestamp(m.timestamp);
  }
  return ok(s);
}

/** Encodes a message into one frame; encrypted messages need `key`, `random` and a timestamp. */
export function dc09Encode(message: Dc09Message, options: Dc09EncodeOptions = {}): Result<Uint8Array> {
  const inner = innerText(message);
  if (!inner.ok) return inner;
  if (!message.encrypted) return dc09EncodeFrame(message, inner.value);
  if (message.timestamp === undefined)
    return fail('BAKEN_ERR_DC09_FIELD', 'an encrypted message needs a timestamp', { field: 'timestamp' });
  if (!options.key || !options.random)
    return fail('BAKEN_ERR_DC09_KEY', 'an encrypted message needs the account key', {});
  const body = dc09Encrypt(options.key, inner.value, options.random);
  if (!body.ok) return body;
  return dc09EncodeFrame(message, body.value);
}

/** Reads `data]…[ext]…_timestamp` (plain, or after decryption). */
export function dc09ParseInner(inner: string): Result<Pick<Dc09Message, 'data' | 'extended' | 'timestamp'>> {
  const close = inner.indexOf(']');
  if (close < 0) return fail('BAKEN_ERR_DC09_CONTENT', 'data block has no closing ]', {});
  const data = inner.slice(0, close);
  if (data.includes('[')) return fail('BAKEN_ERR_DC09_CONTENT', 'data block holds a [', {});
  const extended: Dc09Extended[] = [];
  let i = close + 1;
  while (inner[i] === '[') {
    const end = inner.indexOf(']', i);
    if (end < 0) return fail('BAKEN_ERR_DC09_CONTENT', 'extended data has no closing ]', {});
    const block = inner.slice(i + 1, end);
    if (block.includes('[')) return fail('BAKEN_ERR_DC09_CONTENT', 'extended data holds a [', {});
    if (block.length > 0) extended.push({ id: block[0]!, value: block.slice(1) });
    i = end + 1;
  }
  const rest = inner.slice(i);
  if (rest === '') return ok({ data, extended });
  const ts = dc09ParseTimestamp(rest);
  if (!ts.ok) return ts;
  return ok({ data, extended, timestamp: ts.value });
}

/** The key for an account, or undefined when the receiver has none (then encrypted frames fail). */
export type Dc09KeyLookup = (account: string) => Uint8Array | undefined;

/** Opens a decoded frame: decrypts when it carries `*`, then reads data, extended data, timestamp. */
export function dc09OpenFrame(frame: Dc09Frame, key?: Uint8Array): Result<Dc09Message> {
  const { body, crcFormat: _c, ...header } = frame;
  let inner = body;
  if (frame.encrypted) {
    if (!key) return fail('BAKEN_ERR_DC09_NO_KEY', 'encrypted message for an account without a key', {});
    const d = dc09Decrypt(key, body);
    if (!d.ok) return d;
    inner = d.value;
  }
  const parsed = dc09ParseInner(inner);
  if (!parsed.ok)
    return frame.encrypted ? fail('BAKEN_ERR_DC09_DECRYPT', 'wrong key or corrupt message', {}) : parsed;
  // Every encrypted message carries a timestamp [DC09 SPEC §3.1]; without one, the key was wrong.
  if (frame.encrypted && parsed.value.timestamp === undefined)
    return fail('BAKEN_ERR_DC09_DECRYPT', 'wrong key or corrupt message', {});
  return ok({ ...header, ...parsed.value });
}

/** Frame + open in one step; `keyFor` is asked only for encrypted frames. */
export function dc09Decode(bytes: Uint8Array, keyFor: Dc09KeyLookup = () => undefined): Result<Dc09Message> {
  const frame = dc09DecodeFrame(bytes);
  if (!frame.ok) return frame;
  return dc09OpenFrame(frame.value, frame.value.encrypted ? keyFor(frame.value.account) : undefined);
}
