import { describe, expect, it } from 'vitest';
import { Dc09DuplicateFilter } from './duplicate-filter.js';

const msg = (sequence: number, data = '#1234|1101 01 001', account = '1234') => ({
  account,
  token: 'ADM-CID',
  sequence,
  data,
});

describe('Dc09DuplicateFilter [DC09 SPEC §4.4]', () => {
  it('marks a repeat of the same message within the window, per account', () => {
    const f = new Dc09DuplicateFilter({ windowMs: 60_000 });
    expect(f.check(msg(1), 0)).toBe('new');
    expect(f.check(msg(1), 5_000)).toBe('repeat');
    expect(f.check(msg(1, undefined, '9999'), 5_000)).toBe('new');
    expect(f.check(msg(2), 6_000)).toBe('new');
  });

  it('does not take a reused sequence with other data, or one past the window, for a repeat', () => {
    const f = new Dc09DuplicateFilter({ windowMs: 60_000 });
    expect(f.check(msg(7), 0)).toBe('new');
    expect(f.check(msg(7, '#1234|1602 00 000'), 1_000)).toBe('new');
    expect(f.check(msg(7), 61_001)).toBe('new');
  });

  it('forgets the oldest beyond its per-account bound', () => {
    const f = new Dc09DuplicateFilter({ perAccount: 2 });
    f.check(msg(1), 0);
    f.check(msg(2), 0);
    f.check(msg(3), 0);
    expect(f.check(msg(1), 0)).toBe('new');
    expect(f.check(msg(3), 0)).toBe('repeat');
  });
});
