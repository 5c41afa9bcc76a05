import { demoPress } from './demo-press.js';

/** Entry of `npm run demo:press` and friends (see `demoPress`). */
process.exit(
  await demoPress(process.argv.slice(2), process.env, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }),
);
