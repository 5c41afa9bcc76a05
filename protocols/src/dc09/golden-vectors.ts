import type { Dc09Message } from './message.js';

/**
 * Golden vectors of SIA DC-09 — [DC09 SPEC §8]: each complete frame (LF … CR) beside the message it
 * carries. SPEC.md lists the same vectors. The encrypted ones were checked with an independent AES
 * (`openssl enc -d -nopad`) and the CRCs with an independent bitwise CRC-16/ARC. Never regenerate
 * these to make a test pass: a change here is a wire change.
 */

/** Keys of the vectors: bytes 0x00, 0x01, … (AES-128, -192, -256). */
export const DC09_GOLDEN_KEYS = {
  aes128: Uint8Array.from({ length: 16 }, (_, i) => i),
  aes192: Uint8Array.from({ length: 24 }, (_, i) => i),
  aes256: Uint8Array.from({ length: 32 }, (_, i) => i),
} as const;

/** The pad source of the vectors: bytes 0, 1, 2, … → pad `ABCD…`. */
export const dc09GoldenRandom = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);

/** 2026-01-02T03:04:05Z → `_03:04:05,01-02-2026`. */
export const DC09_GOLDEN_T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

export interface Dc09GoldenVector {
  name: string;
  key?: keyof typeof DC09_GOLDEN_KEYS;
  frame: string;
  message: Dc09Message;
}

const at = { receiver: '12', line: '1', account: '1234', timestamp: DC09_GOLDEN_T0 };

/** Frames Baken builds; the tests encode each message and compare byte for byte, and decode back. */
export const DC09_GOLDEN_VECTORS: readonly Dc09GoldenVector[] = [
  {
    name: 'SIA-DCS pendant alarm, plain',
    frame: '\nEE2F003D"SIA-DCS"0001R12L1#1234[#1234|Nri1/QA001]_03:04:05,01-02-2026\r',
    message: {
      token: 'SIA-DCS',
      encrypted: false,
      sequence: 1,
      ...at,
      data: '#1234|Nri1/QA001',
      extended: [],
    },
  },
  {
    name: 'ADM-CID pendant alarm, plain',
    frame: '\nDD3F003E"ADM-CID"0002R12L1#1234[#1234|1101 01 001]_03:04:05,01-02-2026\r',
    message: {
      token: 'ADM-CID',
      encrypted: false,
      sequence: 2,
      ...at,
      data: '#1234|1101 01 001',
      extended: [],
    },
  },
  {
    name: 'NULL supervision, plain',
    frame: '\nFE84002A"NULL"0000R12L1#1234[]_03:04:05,01-02-2026\r',
    message: { token: 'NULL', encrypted: false, sequence: 0, ...at, data: '', extended: [] },
  },
  {
    name: 'SIA-DCS with extended data [X][Y], AES-128',
    key: 'aes128',
    frame:
      '\n658D0099"*SIA-DCS"0003R12L1#1234[1BAC7E37F18E5C46289F442A53E8642A69A550487B7438679D1CE55EF0990B66' +
      '31872827B37A12F63F6679C2E6392DFE441BDF01236BAECE9AC6642618EE50FB\r',
    message: {
      token: 'SIA-DCS',
      encrypted: true,
      sequence: 3,
      ...at,
      data: '#1234|Nri1/QA001',
      extended: [
        { id: 'X', value: 'E4.89' },
        { id: 'Y', value: 'N52.37' },
      ],
    },
  },
  {
    name: 'ADM-CID pendant alarm, AES-192',
    key: 'aes192',
    frame:
      '\nB1870079"*ADM-CID"0004R12L1#1234[77E7D25A4E275A97C23C373A76D63AA27823AA0F1E0FF08B7904192B39C40435' +
      '8B885140EB634DC47E627E8B5F4DDF2E\r',
    message: {
      token: 'ADM-CID',
      encrypted: true,
      sequence: 4,
      ...at,
      data: '#1234|1101 01 001',
      extended: [],
    },
  },
  {
    name: 'ADM-CID periodic test, AES-256',
    key: 'aes256',
    frame:
      '\n9DC40079"*ADM-CID"0005R12L1#1234[17E9344C793C2A09DD2F8B7DAADE8D954B7BA210158A2BF4CB0A2A1931BCC937' +
      'BB986D60637FD1FE55FAE15690EC7C86\r',
    message: {
      token: 'ADM-CID',
      encrypted: true,
      sequence: 5,
      ...at,
      data: '#1234|1602 00 000',
      extended: [],
    },
  },
  {
    name: 'NULL supervision, AES-128',
    key: 'aes128',
    frame:
      '\nE7960056"*NULL"0000R12L1#1234[AECEA6A5724ACE5AAC31E3BE37CF089993B41CA231FE7202395740431399E4F6\r',
    message: { token: 'NULL', encrypted: true, sequence: 0, ...at, data: '', extended: [] },
  },
];

/** Answers to sequence 3 of account 1234 (receiver 12, line 1), built by dc09Ack / dc09Duh / dc09Nak. */
export const DC09_GOLDEN_ANSWERS = {
  ack: '\nFFB70015"ACK"0003R12L1#1234[]\r',
  ackEncrypted:
    '\n6A510055"*ACK"0003R12L1#1234[AECEA6A5724ACE5AAC31E3BE37CF089993B41CA231FE7202395740431399E4F6\r',
  duh: '\nA5C70015"DUH"0003R12L1#1234[]\r',
  nak: '\n1F1C0025"NAK"0000R0L0A0[]_03:04:05,01-02-2026\r',
} as const;

/**
 * Frames in the forms other senders use, built with independent tools (openssl for AES, a bitwise
 * CRC) — Baken must read them [DC09 SPEC §8.2]. Timestamp `_10:20:30,03-04-2026`.
 */
export const DC09_FOREIGN_T = Date.UTC(2026, 2, 4, 10, 20, 30);
export const DC09_FOREIGN_VECTORS = {
  /** `pad]_timestamp` (no `|`), 16-character ASCII key `BakenTestKey0001`, non-hex-looking account. */
  nullAsciiKey:
    '\n068A0057"*NULL"0042R1L1#AB12CD[AE26F214F5D503B29491F2603A4D5918DB3AF221CB1CD25C5E96831487885E11\r',
  /** `*ACK` with a pad of '0' characters and no `|`; no receiver field. */
  ackZeroPad:
    '\nA0D10052"*ACK"0007L0#1234[1BBE60A9088EFDF3BB51EC087BFA60B8751C383A88675E3FD7C20CAF44DB78D7\r',
  /** Pad of control characters 0x14…, `|#1234|Nri1/BA01]`. */
  siaControlPad:
    '\nD1B90076"*SIA-DCS"0008L0#1234[9F0A7943EA1D25F631B250E2E0BF8C63DE10DADDD73356B34D5772E713B3760E' +
    '014805B379955532BB483F7FD32A3C69\r',
  /** `*ACK` with a NUL pad, `|]_timestamp` and a whole PKCS#7 block after it. */
  ackPkcs7:
    '\n6ACA0072"*ACK"0009L0#1234[AD4BA1CBD5EA842F21A3E4B12AABBFFB4B6A88082C99EEEE475EEBDD4749C788' +
    '980C17372280B9D30050DBEBDBC9F185\r',
  /** Lower-case CRC digits, account with letters beyond F, no timestamp. */
  siaLowerCrcNonHexAccount: '\neb680031"SIA-DCS"0010L0#006969XX[#006969XX|Nri04/OP001NM]\r',
} as const;
