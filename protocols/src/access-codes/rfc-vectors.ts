/**
 * Published test vectors, copied as data from the RFCs; the tests run every row.
 * RFC 4226 Appendix D (HOTP, SHA-1, secret "12345678901234567890", 6 digits) and
 * RFC 6238 Appendix B (TOTP, X = 30 s, T0 = 0, 8 digits, seeds per hash as in its reference code).
 */

export const RFC4226_SECRET_ASCII = '12345678901234567890';

/** Count, HMAC-SHA-1(secret, count) hex, truncated hex, truncated decimal, HOTP value. */
export const RFC4226_VECTORS: readonly {
  count: number;
  hmac: string;
  truncatedHex: string;
  truncatedDecimal: number;
  hotp: string;
}[] = [
  {
    count: 0,
    hmac: 'cc93cf18508d94934c64b65d8ba7667fb7cde4b0',
    truncatedHex: '4c93cf18',
    truncatedDecimal: 1284755224,
    hotp: '755224',
  },
  {
    count: 1,
    hmac: '75a48a19d4cbe100644e8ac1397eea747a2d33ab',
    truncatedHex: '41397eea',
    truncatedDecimal: 1094287082,
    hotp: '287082',
  },
  {
    count: 2,
    hmac: '0bacb7fa082fef30782211938bc1c5e70416ff44',
    truncatedHex: '82fef30',
    truncatedDecimal: 137359152,
    hotp: '359152',
  },
  {
    count: 3,
    hmac: '66c28227d03a2d5529262ff016a1e6ef76557ece',
    truncatedHex: '66ef7655',
    truncatedDecimal: 1726969429,
    hotp: '969429',
  },
  {
    count: 4,
    hmac: 'a904c900a64b35909874b33e61c5938a8e15ed1c',
    truncatedHex: '61c5938a',
    truncatedDecimal: 1640338314,
    hotp: '338314',
  },
  {
    count: 5,
    hmac: 'a37e783d7b7233c083d4f62926c7a25f238d0316',
    truncatedHex: '33c083d4',
    truncatedDecimal: 868254676,
    hotp: '254676',
  },
  {
    count: 6,
    hmac: 'bc9cd28561042c83f219324d3c607256c03272ae',
    truncatedHex: '7256c032',
    truncatedDecimal: 1918287922,
    hotp: '287922',
  },
  {
    count: 7,
    hmac: 'a4fb960c0bc06e1eabb804e5b397cdc4b45596fa',
    truncatedHex: '4e5b397',
    truncatedDecimal: 82162583,
    hotp: '162583',
  },
  {
    count: 8,
    hmac: '1b3c89f65e6c9e883012052823443f048b4332db',
    truncatedHex: '2823443f',
    truncatedDecimal: 673399871,
    hotp: '399871',
  },
  {
    count: 9,
    hmac: '1637409809a679dc698207310c8c7fc07290d9e5',
    truncatedHex: '2679dc69',
    truncatedDecimal: 645520489,
    hotp: '520489',
  },
];

/** RFC 6238 Appendix B seeds (the reference code's seed, seed32 and seed64), as ASCII. */
export const RFC6238_SEEDS = {
  sha1: '12345678901234567890',
  sha256: '12345678901234567890123456789012',
  sha512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;

/** Time (s), UTC time, T (hex), TOTP, mode — RFC 6238 Appendix B table. */
export const RFC6238_VECTORS: readonly {
  time: number;
  utc: string;
  t: string;
  totp: string;
  mode: 'sha1' | 'sha256' | 'sha512';
}[] = [
  { time: 59, utc: '1970-01-01 00:00:59', t: '0000000000000001', totp: '94287082', mode: 'sha1' },
  { time: 59, utc: '1970-01-01 00:00:59', t: '0000000000000001', totp: '46119246', mode: 'sha256' },
  { time: 59, utc: '1970-01-01 00:00:59', t: '0000000000000001', totp: '90693936', mode: 'sha512' },
  { time: 1111111109, utc: '2005-03-18 01:58:29', t: '00000000023523EC', totp: '07081804', mode: 'sha1' },
  { time: 1111111109, utc: '2005-03-18 01:58:29', t: '00000000023523EC', totp: '68084774', mode: 'sha256' },
  { time: 1111111109, utc: '2005-03-18 01:58:29', t: '00000000023523EC', totp: '25091201', mode: 'sha512' },
  { time: 1111111111, utc: '2005-03-18 01:58:31', t: '00000000023523ED', totp: '14050471', mode: 'sha1' },
  { time: 1111111111, utc: '2005-03-18 01:58:31', t: '00000000023523ED', totp: '67062674', mode: 'sha256' },
  { time: 1111111111, utc: '2005-03-18 01:58:31', t: '00000000023523ED', totp: '99943326', mode: 'sha512' },
  { time: 1234567890, utc: '2009-02-13 23:31:30', t: '000000000273EF07', totp: '89005924', mode: 'sha1' },
  { time: 1234567890, utc: '2009-02-13 23:31:30', t: '000000000273EF07', totp: '91819424', mode: 'sha256' },
  { time: 1234567890, utc: '2009-02-13 23:31:30', t: '000000000273EF07', totp: '93441116', mode: 'sha512' },
  { time: 2000000000, utc: '2033-05-18 03:33:20', t: '0000000003F940AA', totp: '69279037', mode: 'sha1' },
  { time: 2000000000, utc: '2033-05-18 03:33:20', t: '0000000003F940AA', totp: '90698825', mode: 'sha256' },
  { time: 2000000000, utc: '2033-05-18 03:33:20', t: '0000000003F940AA', totp: '38618901', mode: 'sha512' },
  { time: 20000000000, utc: '2603-10-11 11:33:20', t: '0000000027BC86AA', totp: '65353130', mode: 'sha1' },
  { time: 20000000000, utc: '2603-10-11 11:33:20', t: '0000000027BC86AA', totp: '77737706', mode: 'sha256' },
  { time: 20000000000, utc: '2603-10-11 11:33:20', t: '0000000027BC86AA', totp: '47863826', mode: 'sha512' },
];
