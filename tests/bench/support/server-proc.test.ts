import { describe, expect, it } from 'vitest';
import { formsLine } from './server-proc.js';

describe('formsLine', () => {
  const bundle = 'bundle (npm run build:server, plain node)';
  it('says how each server runs, and warns when a same-run comparison is not like for like', () => {
    expect(formsLine(bundle)).toBe(`the server runs as ${bundle}`);
    expect(formsLine(bundle, bundle)).toBe(
      `the server runs as ${bundle}; the BENCH_BEFORE server as ${bundle}`,
    );
    expect(formsLine(bundle, 'tsx (that checkout has no server build)')).toMatch(/NOT like for like/);
    expect(
      formsLine('tsx (sources compiled at start)', 'tsx (that checkout has no server build)'),
    ).not.toMatch(/NOT/);
  });
});
