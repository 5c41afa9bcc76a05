import { runCli } from './cli.js';

// The process entry of `baken-gateway` (bin/baken-gateway.js loads this). The only place that
// sets the exit code from `runCli`.
const code = await runCli(process.argv.slice(2), {
  io: {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    fetch: globalThis.fetch,
  },
});
process.exitCode = code;
