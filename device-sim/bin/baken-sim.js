#!/usr/bin/env node
// Launcher for `baken-sim`: runs the built CLI from dist/ when present, else the TypeScript
// sources through tsx registered in this process.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/entry.js', import.meta.url);
// The build's cross-package imports resolve to dist/ only under the `baken-dist` export condition
// (`node --conditions=baken-dist …`, as the systemd unit runs it); without it the sources run.
const distCondition = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
  a.includes('baken-dist'),
);
if (distCondition && existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/entry.ts', import.meta.url).href);
}
