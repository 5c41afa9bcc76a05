/** What `npm run bench -- …` was asked for (docs/scaling.md §1). */
export type BenchArgs =
  | { kind: 'run'; quick: boolean; filters: string[] }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const USAGE = `usage: npm run bench [-- [--quick] [<filter> ...]]

Runs every tests/bench/*.bench.ts (or only the files whose name contains one of the filters),
prints one table and writes bench/results/<date>.json and .svg (docs/scaling.md).

  --quick       small sizes, a few minutes
  --help, -h    this text
  <filter>      e.g. ingest, heartbeat, restart, gateway, fuzz, detection

Knobs (environment): BENCH_GENERATORS, BENCH_HB_HOMES, BENCH_STORM_HOMES, BENCH_FUZZ_N,
BENCH_IDLE_S, BENCH_SERVER_LOG, BENCH_CPU_PROF (a folder: the server child writes a CPU profile
there).
`;

/** Parses the arguments; an unknown option is an error, never a full run. */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  let quick = false;
  const filters: string[] = [];
  for (const a of args) {
    if (a === '--help' || a === '-h') return { kind: 'help' };
    if (a === '--quick') quick = true;
    else if (a.startsWith('-')) return { kind: 'error', message: `unknown option ${a}` };
    else filters.push(a);
  }
  return { kind: 'run', quick, filters };
}

/** The bench files to run: every `*.bench.ts`, or those whose name contains one of `filters`. */
export function selectBenchFiles(all: readonly string[], filters: readonly string[]): string[] {
  return all
    .filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
    .sort();
}
