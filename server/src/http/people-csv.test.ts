import { describe, expect, it } from 'vitest';
import { peopleCsv } from './people-csv.js';

const rows = [{ key: 'Laan 1; achter', incidents: 2, downtimeMs: 750_000, longestMs: null }];
const cols = ['key', 'incidents', 'downtimeMs', 'longestMs'] as const;

describe('report CSV for people [server/src/web/I18N.md]', () => {
  it('opens in Dutch Excel: byte-order mark, semicolons, decimal comma, Dutch headings', () => {
    const csv = peopleCsv(cols, rows, 'nl');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'Woning;Storingen;Storingsduur (min);Langste storing (min)',
      '"Laan 1; achter";2;12,5;',
      '',
    ]);
  });
  it('opens in English Excel: commas and a decimal point', () => {
    const csv = peopleCsv(cols, rows, 'en', 'region');
    expect(csv.slice(1).split('\r\n')[0]).toBe('Region,Incidents,Downtime (min),Longest incident (min)');
    expect(csv.slice(1).split('\r\n')[1]).toBe('Laan 1; achter,2,12.5,');
  });
  it('keeps formulas from running', () => {
    expect(peopleCsv(['key'], [{ key: '=1+1' }], 'nl').split('\r\n')[1]).toBe("'=1+1");
  });
});
