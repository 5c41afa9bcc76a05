#!/usr/bin/env node
// Launcher for `baken-dc09`: runs the built CLI from dist/ when present (under the `baken-dist`
// export condition, as for baken-sim), else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/dc09/entry.js', import.meta.url);
const distCondition = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
  a.includes('baken-dist'),
);
if (distCondition && existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/dc09/entry.ts', import.meta.url).href);
}
