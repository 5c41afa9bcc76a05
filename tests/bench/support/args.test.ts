import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, selectBenchFiles } from './args.js';

const RUN = fileURLToPath(new URL('../run.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('bench arguments', () => {
  it('reads --quick and any number of filters', () => {
    expect(parseBenchArgs([])).toEqual({ kind: 'run', quick: false, filters: [] });
    expect(parseBenchArgs(['--quick', 'ingest', 'heartbeat'])).toEqual({
      kind: 'run',
      quick: true,
      filters: ['ingest', 'heartbeat'],
    });
  });

  it('answers --help and -h with the usage, and refuses an unknown option', () => {
    expect(parseBenchArgs(['ingest', '--help'])).toEqual({ kind: 'help' });
    expect(parseBenchArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseBenchArgs(['--quik'])).toEqual({ kind: 'error', message: 'unknown option --quik' });
  });

  it('selects the files matching any filter, all of them without one', () => {
    const all = ['restart.bench.ts', 'ingest.bench.ts', 'heartbeat.bench.ts', 'run.ts'];
    expect(selectBenchFiles(all, [])).toEqual(['heartbeat.bench.ts', 'ingest.bench.ts', 'restart.bench.ts']);
    expect(selectBenchFiles(all, ['ingest', 'restart'])).toEqual(['ingest.bench.ts', 'restart.bench.ts']);
  });

  // The runner itself: --help and a typo must never start the (tens of minutes long) bench.
  const runBench = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', RUN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('npm run bench -- --help prints the usage and runs nothing', () => {
    const r = runBench('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: npm run bench');
    expect(r.stdout).not.toContain('==');
  });

  it('an unknown option prints the usage and exits non-zero', () => {
    const r = runBench('--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown option --bogus');
    expect(r.stderr).toContain('usage: npm run bench');
    expect(r.stdout).not.toContain('==');
  });

  it('a filter that matches no file exits non-zero', () => {
    const r = runBench('no-such-bench');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no bench file matches no-such-bench');
  });
});
