import { afterEach, describe, expect, it } from 'vitest';
import { findProgram, needProgram } from './external-program.js';

describe('needProgram', () => {
  const saved = process.env['CI'];
  afterEach(() => {
    if (saved === undefined) delete process.env['CI'];
    else process.env['CI'] = saved;
  });

  it('finds a program that every machine has', () => {
    expect(findProgram('sh')).toMatch(/\/sh$/);
    expect(needProgram('sh')).toBe(true);
  });

  it('skips a missing program on a developer machine', () => {
    delete process.env['CI'];
    expect(needProgram('baken-no-such-program')).toBe(false);
  });

  it('fails a missing program under CI=true', () => {
    process.env['CI'] = 'true';
    expect(() => needProgram('baken-no-such-program')).toThrow(/BAKEN_ERR_TEST_PROGRAM_MISSING/);
  });
});
