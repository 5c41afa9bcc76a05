// The production server as one file (server/packaging/build-server.ts, docs/deploy/README.md
// "Building the server"): it starts on plain node and answers, as the systemd unit runs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer, SERVER_BUNDLE_FILE } from '../../server/packaging/build-server.js';
import { SERVER_BUNDLE_OPTIONS } from '../../server/packaging/bundle-options.js';

// inside the checkout, so the external packages resolve from its node_modules
const out = fileURLToPath(
  new URL(`../../node_modules/.cache/baken-test/server-${process.pid}/`, import.meta.url),
);
const dataDir = mkdtempSync(join(tmpdir(), 'baken-bundle-'));
let server: ChildProcess | undefined;

afterAll(() => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the bundle on plain node (no loader) and resolves with the URL it prints. */
function start(bundle: string): Promise<{ url: string; proc: ChildProcess; stderr: () => string }> {
  const proc = spawn(process.execPath, [bundle], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      BAKEN_DATA_DIR: dataDir,
      BAKEN_HTTP_PORT: '0',
      BAKEN_MQTT_PORT: '0',
      BAKEN_METRICS_PORT: '0',
      BAKEN_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = proc;
  let out = '';
  let err = '';
  proc.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Baken server: (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, proc, stderr: () => err });
    });
    proc.once('exit', (code) => reject(new Error(`the bundle exited with ${code}: ${err}`)));
  });
}

describe('the production server bundle (npm run build:server)', () => {
  it('is one file that starts on plain node, answers /healthz and stops cleanly on SIGTERM', async () => {
    const bundle = await buildServer(out);
    expect(bundle).toBe(join(out, SERVER_BUNDLE_FILE));
    const text = readFileSync(bundle, 'utf8');
    // our own code and Fastify are inside; no TypeScript loader and no source file is imported
    expect(text).not.toMatch(/from ["'][^"']*\.ts["']|["']tsx["']|@baken\//);
    expect(existsSync(join(out, 'assets'))).toBe(true);

    const s = await start(bundle);
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    // the dashboard's static files come from the copy beside the bundle, the API docs' pages
    // from the external @fastify/swagger-ui
    const css = await fetch(`${s.url}/assets/style.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toBe(readFileSync(join(out, 'assets', 'style.css'), 'utf8'));
    expect((await fetch(`${s.url}/docs/static/index.html`)).status).toBe(200);
    const exited = new Promise<number | null>((r) => s.proc.once('exit', (code) => r(code)));
    s.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(s.stderr()).toBe('');
  }, 180_000); // a build and a start on a loaded 2-core machine

  it('leaves the dashboard files of an earlier build alone when unchanged, and drops files the sources no longer have', async () => {
    await buildServer(out);
    const assets = join(out, 'assets');
    const before = statSync(assets).ino;
    await buildServer(out);
    // not swapped: a server of a parallel build may be starting on them
    expect(statSync(assets).ino).toBe(before);
    writeFileSync(join(assets, 'left-over.js'), '');
    await buildServer(out);
    expect(existsSync(join(assets, 'left-over.js'))).toBe(false);
  }, 180_000);

  it('holds the no-op stand-in for `debug`, not the package (its disabled loggers allocate per MQTT packet)', async () => {
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const result = await build({
      ...SERVER_BUNDLE_OPTIONS,
      entryPoints: [join(repo, 'server', 'src', 'main.ts')],
      outfile: join(out, 'metafile-only.mjs'),
      metafile: true,
      write: false,
    });
    const inputs = Object.keys(result.metafile.inputs);
    // aedes and its packet parser are inside, and they import `debug`
    expect(inputs.some((f) => f.includes('node_modules/aedes/'))).toBe(true);
    expect(inputs.some((f) => f.includes('node_modules/mqtt-packet/'))).toBe(true);
    expect(inputs.filter((f) => /node_modules\/debug\//.test(f))).toEqual([]);
    expect(inputs.some((f) => f.endsWith('packaging/no-debug.cjs'))).toBe(true);
  }, 120_000);

  it('refuses a folder outside a checkout, where the external packages would not resolve', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'baken-bundle-out-'));
    try {
      await expect(buildServer(elsewhere)).rejects.toThrow(/does not resolve from there/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
