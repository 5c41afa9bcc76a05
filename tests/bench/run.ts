// `npm run bench [-- --quick] [-- <filter> ...]`: runs every `*.bench.ts` in this folder (each
// exports `run(ctx)` and adds its figures to `ctx.report`), one after the other, then prints ONE
// table and writes `bench/results/<date>.json` and `<date>.svg` (docs/scaling.md reads them).
// `--quick` uses small sizes (about two minutes in all); each `<filter>` runs the files whose name
// contains it; `--help` prints the usage, and an unknown option prints it and exits 2.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseBenchArgs, selectBenchFiles, USAGE } from './support/args.js';
import { type BenchContext, Report } from './support/figures.js';
import { table, writeResults } from './support/report.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const args = parseBenchArgs(process.argv.slice(2));
if (args.kind === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (args.kind === 'error') {
  process.stderr.write(`${args.message}\n${USAGE}`);
  process.exit(2);
}
const { quick, filters } = args;
const files = selectBenchFiles(readdirSync(dir), filters);
if (files.length === 0) {
  process.stderr.write(`no bench file matches ${filters.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const report = new Report();
const ctx: BenchContext = {
  quick,
  report,
  log: (line) => process.stdout.write(`${line}\n`),
};
let failed = 0;
const t0 = performance.now();
for (const file of files) {
  const mod = (await import(pathToFileURL(`${dir}${file}`).href)) as {
    run?: (ctx: BenchContext) => Promise<void>;
  };
  if (typeof mod.run !== 'function') {
    process.stderr.write(`${file}: exports no run()\n`);
    failed += 1;
    continue;
  }
  ctx.log(`\n== ${file} (${quick ? 'quick' : 'full'}) ==`);
  try {
    await mod.run(ctx);
  } catch (err) {
    process.stderr.write(
      `${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    failed += 1;
  }
}
process.stdout.write(`\n${table(report.figures)}`);
if (report.figures.length > 0) {
  const paths = writeResults(root, report.figures, quick ? 'quick' : 'full');
  process.stdout.write(`\nwritten: ${paths.map((p) => p.slice(root.length)).join(', ')}`);
}
process.stdout.write(`\n${((performance.now() - t0) / 1000).toFixed(0)} s in all\n`);
process.exit(failed === 0 ? 0 : 1);
