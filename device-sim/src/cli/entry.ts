import { main } from './main.js';

const code = await main(process.argv.slice(2), {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  stdin: process.stdin,
});
process.exitCode = code;
