import { describe, expect, it } from 'vitest';
import { dc09CidData, dc09ParseCid } from './adm-cid.js';
import { dc09KeyFromText } from './crypto.js';
import { DC09_BAKEN_EVENTS, DC09_EVENT_MAP, dc09CidLabel, dc09EventData } from './event-map.js';
import { dc09ParseSia, dc09SiaData } from './sia-dcs.js';
import { dc09CheckWindow, dc09FormatTimestamp, dc09ParseTimestamp } from './timestamp.js';

describe('SIA DCS content [DC09 SPEC §6.1]', () => {
  it('builds #acct|N, area and events', () => {
    const r = dc09SiaData({ account: '1234', area: 1, events: [{ code: 'QA', address: '001' }] });
    expect(r).toEqual({ ok: true, value: '#1234|Nri1/QA001' });
    expect(dc09SiaData({ events: [{ code: 'BA', address: 1, text: 'FRONT' }] })).toEqual({
      ok: true,
      value: '|NBA1^FRONT^',
    });
    expect(dc09SiaData({ events: [{ code: 'Q1' }] }).ok).toBe(false);
  });

  it('reads the forms panels send', () => {
    const one = (s: string) => {
      const r = dc09ParseSia(s);
      return r.ok ? r.value : r.error.code;
    };
    expect(one('#1234|NBA1')).toEqual({
      account: '1234',
      flag: 'N',
      events: [{ code: 'BA', address: '1', modifiers: {} }],
    });
    expect(one('Nri1/PA01')).toEqual({
      flag: 'N',
      events: [{ code: 'PA', address: '01', modifiers: { ri: '1' } }],
    });
    expect(one('#123456|Nri1CL0^FRONT DOOR ^')).toEqual({
      account: '123456',
      flag: 'N',
      events: [{ code: 'CL', address: '0', text: 'FRONT DOOR ', modifiers: { ri: '1' } }],
    });
    expect(one('|Nid12ti10:15/ri2/OP001/NM')).toMatchObject({
      events: [
        { code: 'OP', address: '001', modifiers: { id: '12', ti: '10:15', ri: '2' } },
        { code: 'NM', address: '' },
      ],
    });
    expect(one('#1234|N')).toBe('BAKEN_ERR_DC09_CONTENT');
    expect(one('#1234|N#')).toBe('BAKEN_ERR_DC09_CONTENT');
  });
});

describe('ADM-CID content [DC09 SPEC §6.2]', () => {
  it('builds #acct|QEEE GG ZZZ', () => {
    expect(dc09CidData({ account: '1234', qualifier: 1, code: 101, group: 1, zone: 1 })).toEqual({
      ok: true,
      value: '#1234|1101 01 001',
    });
    expect(dc09CidData({ qualifier: 3, code: '602', group: '00', zone: '000' })).toEqual({
      ok: true,
      value: '3602 00 000',
    });
    expect(dc09CidData({ qualifier: 2 as 1, code: 101, group: 1, zone: 1 }).ok).toBe(false);
    expect(dc09CidData({ qualifier: 1, code: 1011, group: 1, zone: 1 }).ok).toBe(false);
    expect(dc09CidData({ qualifier: 1, code: 101, group: 100, zone: 1 }).ok).toBe(false);
  });

  it('reads with and without the account and the spaces', () => {
    expect(dc09ParseCid('#12345A|1110 00 129')).toEqual({
      ok: true,
      value: { account: '12345A', qualifier: 1, code: '110', group: '00', zone: '129' },
    });
    expect(dc09ParseCid('360200000')).toEqual({
      ok: true,
      value: { qualifier: 3, code: '602', group: '00', zone: '000' },
    });
    expect(dc09ParseCid('#1234|2101 01 001').ok).toBe(false);
  });
});

describe('Baken event mapping [DC09 SPEC §7]', () => {
  it('gives every event a data block in both formats', () => {
    for (const e of DC09_BAKEN_EVENTS) {
      expect(dc09EventData(e, { format: 'ADM-CID', account: '1234', zone: 2 }).ok).toBe(true);
      expect(dc09EventData(e, { format: 'SIA-DCS', account: '1234', zone: 2 }).ok).toBe(true);
    }
    expect(dc09EventData('pendant_alarm', { format: 'ADM-CID', account: '1234', zone: 1 })).toEqual({
      ok: true,
      value: '#1234|1101 01 001',
    });
    expect(dc09EventData('unit_online', { format: 'SIA-DCS', account: '1234', zone: 0 })).toEqual({
      ok: true,
      value: '#1234|Nri1/YK000',
    });
    expect(dc09CidLabel(1, '101')).toBe(DC09_EVENT_MAP.pendant_alarm.label);
    expect(dc09CidLabel(1, '999')).toBeUndefined();
  });
});

describe('timestamps and the window [DC09 SPEC §2.6, §5]', () => {
  const t = Date.UTC(2026, 1, 28, 23, 59, 59);
  it('formats UTC and parses back, refusing impossible dates', () => {
    expect(dc09FormatTimestamp(t + 999)).toBe('_23:59:59,02-28-2026');
    expect(dc09ParseTimestamp('_23:59:59,02-28-2026')).toEqual({ ok: true, value: t });
    expect(dc09ParseTimestamp('23:59:59,02-28-2026')).toEqual({ ok: true, value: t });
    expect(dc09ParseTimestamp('_23:59:59,02-29-2026').ok).toBe(false);
    expect(dc09ParseTimestamp('_24:00:00,02-28-2026').ok).toBe(false);
  });

  it('accepts 40 s behind to 20 s ahead by default', () => {
    expect(dc09CheckWindow(t - 40_000, t)).toEqual({ ok: true, skewMs: -40_000 });
    expect(dc09CheckWindow(t - 40_001, t)).toEqual({ ok: false, reason: 'too_old', skewMs: -40_001 });
    expect(dc09CheckWindow(t + 20_001, t)).toEqual({ ok: false, reason: 'too_new', skewMs: 20_001 });
    expect(dc09CheckWindow(t + 90_000, t, { pastMs: 0, futureMs: 120_000 }).ok).toBe(true);
    expect(dc09CheckWindow(undefined, t)).toEqual({ ok: true, skewMs: 0 });
    expect(dc09CheckWindow(undefined, t, undefined, true)).toEqual({
      ok: false,
      reason: 'missing',
      skewMs: 0,
    });
  });
});

describe('keys as people type them [DC09 SPEC §3.3]', () => {
  it('takes 32/48/64 hex digits or 16/24/32 ASCII characters', () => {
    const len = (t: string, f?: 'hex' | 'ascii') => {
      const r = dc09KeyFromText(t, f);
      return r.ok ? r.value.length : r.error.code;
    };
    expect(len('00'.repeat(16))).toBe(16);
    expect(len('00'.repeat(24))).toBe(24);
    expect(len('00'.repeat(32))).toBe(32);
    expect(len('00'.repeat(15))).toBe('BAKEN_ERR_DC09_KEY');
    expect(len('AAAAAAAAAAAAAAAA', 'ascii')).toBe(16);
    expect(len('AAAAAAAAAAAAAAAAA', 'ascii')).toBe('BAKEN_ERR_DC09_KEY');
  });
});
