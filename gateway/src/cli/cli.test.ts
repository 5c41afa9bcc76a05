import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCredentials } from '../config/load-config.js';
import { runCli } from './cli.js';
import { EXIT } from './io.js';

interface Captured {
  out: string;
  err: string;
}

const run = async (
  argv: string[],
  runFn?: (p: string) => Promise<void>,
): Promise<Captured & { code: number }> => {
  const c: Captured = { out: '', err: '' };
  const code = await runCli(argv, {
    io: { out: (t) => (c.out += t), err: (t) => (c.err += t), fetch: globalThis.fetch },
    ...(runFn ? { run: runFn } : {}),
  });
  return { ...c, code };
};

describe('baken-gateway CLI', () => {
  let dir: string;
  let server: Server | undefined;
  let requests: { url: string; body: Record<string, unknown> }[];
  let reply: { status: number; body: unknown };

  const startServer = async (): Promise<string> => {
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        requests.push({ url: req.url ?? '', body: JSON.parse(data) });
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baken-cli-'));
    requests = [];
    reply = { status: 200, body: {} };
  });
  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const writeConfig = (extra: Record<string, unknown> = {}): string => {
    const path = join(dir, 'gateway.json');
    writeFileSync(
      path,
      JSON.stringify({ dataDir: dir, credentialsFile: join(dir, 'credentials.json'), ...extra }),
    );
    return path;
  };

  it('prints help for every subcommand with exit 0', async () => {
    for (const cmd of ['run', 'provision', 'status', 'pair', 'check']) {
      const r = await run([cmd, '--help']);
      expect(r.code, cmd).toBe(EXIT.ok);
      expect(r.out, cmd).toMatch(new RegExp(`Usage: baken-gateway ${cmd}`));
    }
    expect((await run(['--help'])).out).toMatch(/Commands:/);
  });

  it('validates pair and check arguments as usage errors', async () => {
    expect((await run(['pair', 'phone'])).code).toBe(EXIT.usage);
    const path = writeConfig();
    const r = await run(['pair', 'keysafe', '--config', path, '--serial', 'KS-1']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/--port PATH or --ble ADDR/);
    expect((await run(['check', '--window', '0'])).code).toBe(EXIT.usage);
    expect((await run(['check', '--config', path])).code).toBe(EXIT.config);
  });

  it('rejects unknown commands and options as usage errors', async () => {
    expect((await run(['frobnicate'])).code).toBe(EXIT.usage);
    const r = await run(['status', '--bogus']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/BAKEN_ERR_USAGE/);
  });

  it('provisions: posts token, hardware id and software, stores credentials 0600', async () => {
    const url = await startServer();
    reply = {
      status: 200,
      body: {
        gatewayId: 'gw-42',
        mqtt: {
          urls: ['mqtts://a:8883', 'mqtts://b:8883'],
          username: 'gw-42',
          password: 's3cret-s3cret-s3cret',
        },
        heartbeatIntervalS: 60,
      },
    };
    const config = writeConfig();
    const r = await run([
      'provision',
      '--server',
      url,
      '--token',
      'tok-1-abcdefghijklmnop',
      '--hardware-id',
      'hw-1',
      '-c',
      config,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/gateway gw-42/);
    expect(r.out + r.err).not.toMatch(/s3cret|tok-1/);
    expect(requests).toEqual([
      {
        url: '/api/v1/provision',
        body: {
          token: 'tok-1-abcdefghijklmnop',
          hardwareId: 'hw-1',
          software: expect.stringMatching(/^\d+\.\d+\.\d+/),
          protocol: 1,
        },
      },
    ]);
    const credPath = join(dir, 'credentials.json');
    expect(statSync(credPath).mode & 0o777).toBe(0o600);
    expect(loadCredentials(credPath)).toMatchObject({
      gatewayId: 'gw-42',
      mqtt: { password: 's3cret-s3cret-s3cret', url: 'mqtts://a:8883', secondaryUrl: 'mqtts://b:8883' },
    });
    // a second enrolment needs --force
    const again = await run([
      'provision',
      '--server',
      url,
      '--token',
      'tok-2-abcdefghijklmnop',
      '-c',
      config,
    ]);
    expect(again.code).toBe(EXIT.config);
    expect(again.err).toMatch(/--force/);
  });

  it('reports a refused enrolment with the server reason and exit 4', async () => {
    const url = await startServer();
    reply = { status: 401, body: { code: 'BAKEN_ERR_TOKEN', message: 'token expired' } };
    const r = await run([
      'provision',
      '--server',
      url,
      '--token',
      'old-abcdefghijklmnop',
      '-c',
      writeConfig(),
    ]);
    expect(r.code).toBe(EXIT.provision);
    expect(r.err).toMatch(/HTTP 401 \(BAKEN_ERR_TOKEN\): token expired/);
  });

  it("shows the server's reason from its uniform error body (a gateway version it does not support)", async () => {
    const url = await startServer();
    reply = {
      status: 426,
      body: {
        error: {
          code: 'BAKEN_ERR_GATEWAY_VERSION',
          message: 'Gateway not supported by this server: update the gateway.',
        },
      },
    };
    const r = await run([
      'provision',
      '--server',
      url,
      '--token',
      'tok-abcdefghijklmnop',
      '-c',
      writeConfig(),
    ]);
    expect(r.code).toBe(EXIT.provision);
    expect(r.err).toMatch(/HTTP 426 \(BAKEN_ERR_GATEWAY_VERSION\): Gateway not supported by this server/);
  });

  it('status shows an unprovisioned unit and exits 3; a bad config names the field', async () => {
    const r = await run(['status', '-c', writeConfig()]);
    expect(r.code).toBe(EXIT.config);
    expect(r.out).toMatch(/provisioned: +no/);
    const bad = await run(['status', '-c', writeConfig({ heartbeat: { intervalMs: 5 } })]);
    expect(bad.code).toBe(EXIT.config);
    expect(bad.err).toMatch(/heartbeat\.intervalMs/);
  });

  it('run hands the config path to the daemon', async () => {
    const seen: string[] = [];
    const r = await run(['run', '-c', '/etc/x.json'], async (p) => {
      seen.push(p);
    });
    expect(r.code).toBe(EXIT.ok);
    expect(seen).toEqual(['/etc/x.json']);
  });
});
