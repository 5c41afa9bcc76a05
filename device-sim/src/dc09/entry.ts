import { SystemClock } from '@baken/hardware';
import { dc09Main } from './cli.js';

// `baken-dc09`: the only place that picks the real clock and the process's signals.
const stopped = new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
process.exitCode = await dc09Main(
  process.argv.slice(2),
  { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), stopped },
  new SystemClock(),
);
