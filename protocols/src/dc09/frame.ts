import { fail, ok, type Result } from '../errors.js';
import { dc09Crc, dc09Hex4 } from './crc.js';

/**
 * The outer DC-09 frame — [DC09 SPEC §2]:
 *
 *   LF crc(4 hex) len(4 hex) "[*]ID" seq(4 digits) [Rrrr] Llll #acct [ body CR
 *
 * `crc` and `len` cover the bytes from the opening quote up to, not including, the CR. The body is
 * what follows the `[`: for a plain message `data]…[ext]…_timestamp`, for an encrypted one the hex
 * ciphertext (see message.ts). Decoding is total: any bytes give a frame or a typed error.
 */

export type Dc09Token = 'SIA-DCS' | 'ADM-CID' | 'NULL' | 'ACK' | 'NAK' | 'DUH';
export const DC09_TOKENS: readonly Dc09Token[] = ['SIA-DCS', 'ADM-CID', 'NULL', 'ACK', 'NAK', 'DUH'];

export interface Dc09Header {
  token: Dc09Token;
  /** The `*` marker: the body is AES-CBC ciphertext in hex [DC09 SPEC §3]. */
  encrypted: boolean;
  /** 0–9999; 4 decimal digits on the wire. */
  sequence: number;
  /** Receiver number, 1–6 hex digits, absent when the frame has no `R` field. */
  receiver?: string;
  /** Line (account prefix), 1–6 hex digits. */
  line: string;
  /**
   * Account, 1–16 letters or digits. The standard says 3–16 hex digits; Baken also accepts the
   * non-hex accounts real panels send [DC09 SPEC §2.4]. `''`: a NAK (`A0` on the wire) or a frame
   * with no account field (answers to such a frame echo that).
   */
  account: string;
}

export interface Dc09Frame extends Dc09Header {
  /** Everything after the `[` up to the CR, as received. */
  body: string;
  /** `binary`: the 2-byte CRC some panels send instead of 4 hex digits (accepted, never sent). */
  crcFormat: 'hex' | 'binary';
}

/** Longest frame Baken accepts or builds (LF to CR inclusive). */
export const DC09_MAX_FRAME = 2048;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const HEADER =
  /^"(\*?)([A-Z-]+)"([0-9]{4})(?:R([0-9A-Fa-f]{1,6}))?L([0-9A-Fa-f]{1,6})(?:#([0-9A-Za-z]{1,16})|A[0-9A-Fa-f]{0,6})?\[/;
const HEX6 = /^[0-9A-Fa-f]{1,6}$/;
const ACCOUNT = /^[0-9A-Za-z]{1,16}$/;

const isHexByte = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
const isPrintable = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);
const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

/** Validates the header fields a sender chose; the message in the error names the field. */
export function dc09CheckHeader(h: Dc09Header): Result<true> {
  if (!DC09_TOKENS.includes(h.token))
    return fail('BAKEN_ERR_DC09_FIELD', 'unknown id token', { field: 'token' });
  if (!Number.isInteger(h.sequence) || h.sequence < 0 || h.sequence > 9999)
    return fail('BAKEN_ERR_DC09_FIELD', 'sequence must be 0–9999', { field: 'sequence' });
  if (h.receiver !== undefined && !HEX6.test(h.receiver))
    return fail('BAKEN_ERR_DC09_FIELD', 'receiver must be 1–6 hex digits', { field: 'receiver' });
  if (!HEX6.test(h.line))
    return fail('BAKEN_ERR_DC09_FIELD', 'line must be 1–6 hex digits', { field: 'line' });
  if (h.account !== '' && !ACCOUNT.test(h.account))
    return fail('BAKEN_ERR_DC09_FIELD', 'account must be 1–16 letters or digits', { field: 'account' });
  if (h.encrypted && (h.token === 'NAK' || h.token === 'DUH'))
    return fail('BAKEN_ERR_DC09_FIELD', 'NAK and DUH are never encrypted', { field: 'encrypted' });
  return ok(true);
}

/** LF crc len `"ID"seq R L #acct [` body CR, as bytes. */
export function dc09EncodeFrame(header: Dc09Header, body: string): Result<Uint8Array> {
  const checked = dc09CheckHeader(header);
  if (!checked.ok) return checked;
  if (!isPrintable(body))
    return fail('BAKEN_ERR_DC09_FIELD', 'body must be printable ASCII', { field: 'body' });
  // No account: the NAK's placeholder `A0`; any other token goes without an account field.
  const account = header.account !== '' ? `#${header.account}` : header.token === 'NAK' ? 'A0' : '';
  const text =
    `"${header.encrypted ? '*' : ''}${header.token}"${String(header.sequence).padStart(4, '0')}` +
    `${header.receiver === undefined ? '' : `R${header.receiver}`}L${header.line}${account}[${body}`;
  if (text.length + 10 > DC09_MAX_FRAME)
    return fail('BAKEN_ERR_DC09_FIELD', 'frame too long', { field: 'body' });
  const bytes = Buffer.from(text, 'latin1');
  const head = `\n${dc09Hex4(dc09Crc(bytes))}${dc09Hex4(bytes.length)}`;
  return ok(new Uint8Array(Buffer.concat([Buffer.from(head, 'latin1'), bytes, Buffer.from('\r', 'latin1')])));
}

/**
 * Checks LF, CR, length, CRC and character set, then reads the header. Trailing NUL bytes after the
 * CR (some panels pad UDP datagrams) are ignored. Errors carry the CRC/length as received in `detail`.
 */
export function dc09DecodeFrame(input: Uint8Array): Result<Dc09Frame> {
  let end = input.length;
  while (end > 0 && input[end - 1] === 0) end--;
  if (end < 12 || input[0] !== LF || input[end - 1] !== CR)
    return fail('BAKEN_ERR_DC09_FRAME', 'not a DC-09 frame: expected LF … CR', { bytes: input.length });
  if (end > DC09_MAX_FRAME) return fail('BAKEN_ERR_DC09_FRAME', 'frame too long', { bytes: end });
  let crcFormat: 'hex' | 'binary';
  let start: number;
  let crc: number;
  if (input[9] === QUOTE && [1, 2, 3, 4, 5, 6, 7, 8].every((i) => isHexByte(input[i]))) {
    crcFormat = 'hex';
    start = 9;
    crc = Number.parseInt(ascii(input, 1, 5), 16);
  } else if (input[7] === QUOTE && [3, 4, 5, 6].every((i) => isHexByte(input[i]))) {
    crcFormat = 'binary';
    start = 7;
    crc = (input[1]! << 8) | input[2]!;
  } else {
    return fail('BAKEN_ERR_DC09_FRAME', 'no CRC and length before the id token', {});
  }
  const bodyEnd = end - 1;
  const length = Number.parseInt(ascii(input, start - 4, start), 16);
  if (length !== bodyEnd - start)
    return fail('BAKEN_ERR_DC09_LENGTH', 'length field does not match the frame', {
      declared: length,
      actual: bodyEnd - start,
    });
  const computed = dc09Crc(input, start, bodyEnd);
  if (computed !== crc)
    return fail('BAKEN_ERR_DC09_CRC', 'CRC does not match', {
      received: dc09Hex4(crc),
      computed: dc09Hex4(computed),
    });
  const text = ascii(input, start, bodyEnd);
  if (!isPrintable(text))
    return fail('BAKEN_ERR_DC09_CHARSET', 'frame holds bytes outside printable ASCII', {});
  const m = HEADER.exec(text);
  if (!m) return fail('BAKEN_ERR_DC09_HEADER', 'header is not "ID"seq[R…]L…#acct[', {});
  const token = m[2] as Dc09Token;
  if (!DC09_TOKENS.includes(token)) return fail('BAKEN_ERR_DC09_HEADER', 'unknown id token', { token: m[2] });
  const encrypted = m[1] === '*';
  if (encrypted && (token === 'NAK' || token === 'DUH'))
    return fail('BAKEN_ERR_DC09_HEADER', 'NAK and DUH are never encrypted', { token });
  const frame: Dc09Frame = {
    token,
    encrypted,
    sequence: Number(m[3]),
    line: m[5]!.toUpperCase(),
    account: m[6] ?? '',
    body: text.slice(m[0].length),
    crcFormat,
  };
  if (m[4] !== undefined) frame.receiver = m[4].toUpperCase();
  return ok(frame);
}

/** A frame's bytes as one printable line for logs of rejected messages: controls as `<0x0A>`. */
export function dc09Printable(bytes: Uint8Array, max = 512): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) {
    out +=
      b >= 0x20 && b <= 0x7e
        ? String.fromCharCode(b)
        : `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
  }
  return bytes.length > max ? `${out}…` : out;
}
