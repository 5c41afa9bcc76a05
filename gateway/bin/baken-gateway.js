#!/usr/bin/env node
// Launcher for `baken-gateway`. A build (`npm run build`) runs from dist/; in development the
// TypeScript sources run through tsx, registered in this same process so SIGTERM reaches the
// gateway directly (no wrapper process in between).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/entry.js', import.meta.url);
// The build's cross-package imports resolve to dist/ only under the `baken-dist` export condition
// (`node --conditions=baken-dist …`); without it the sources run. The Debian package runs a bundle
// instead (gateway/packaging/build-deb.ts).
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
