import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv.js';

describe('csv', () => {
  it('quotes separators and neutralises formulas', () => {
    const text = toCsv(['a', 'b'], [['x,y', '=SUM(A1)']]);
    expect(text).toBe('a,b\r\n"x,y",\'=SUM(A1)\r\n');
    expect(parseCsv(text)).toEqual([
      ['a', 'b'],
      ['x,y', '=SUM(A1)'],
    ]);
  });

  it('round-trips any cells', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        (rows) => {
          expect(parseCsv(toCsv(['h1', 'h2'], rows))).toEqual([['h1', 'h2'], ...rows]);
        },
      ),
    );
  });

  it('reports an unterminated quote', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/unterminated/);
  });
});
