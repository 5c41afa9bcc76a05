/** Golden vectors of Baken one-time window codes v1 [OTC SPEC §7]; SPEC.md lists the same rows. */
export const WINDOW_CODE_TEST_KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

export const WINDOW_CODE_VECTORS: readonly {
  serial: string;
  windowStart: number;
  utc: string;
  durationSeconds: number;
  slot: number;
  code: string;
}[] = [
  {
    serial: 'KS-0001',
    windowStart: 1767258000,
    utc: '2026-01-01T09:00:00Z',
    durationSeconds: 3600,
    slot: 0,
    code: '52691961',
  },
  {
    serial: 'KS-0001',
    windowStart: 1767258000,
    utc: '2026-01-01T09:00:00Z',
    durationSeconds: 3600,
    slot: 1,
    code: '41047004',
  },
  {
    serial: 'KS-0001',
    windowStart: 1767258900,
    utc: '2026-01-01T09:15:00Z',
    durationSeconds: 3600,
    slot: 0,
    code: '06974584',
  },
  {
    serial: 'KS-0001',
    windowStart: 1767258000,
    utc: '2026-01-01T09:00:00Z',
    durationSeconds: 7200,
    slot: 0,
    code: '88283332',
  },
  {
    serial: 'KS-0002',
    windowStart: 1767258000,
    utc: '2026-01-01T09:00:00Z',
    durationSeconds: 3600,
    slot: 0,
    code: '11523104',
  },
];
