import { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TestBroker, TestSubscriber, until } from '@baken/gateway/testing/test-broker';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './main.js';

const SECRET = 'not-a-real-password-0123456789';

describe('baken-sim fleet', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      stdin: Readable.from([]),
    });
    return { code, text: [...out, ...err].join('\n') };
  };
  const credentials = (mode: number, body: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-fleet-cli-'));
    dirs.push(dir);
    const file = join(dir, 'fleet.json');
    writeFileSync(file, JSON.stringify(body));
    chmodSync(file, mode);
    return file;
  };
  const valid = {
    v: 1,
    mqttUrl: 'mqtt://127.0.0.1:1',
    homes: [{ gatewayId: 'gw-0011223344556677', password: SECRET }],
  };

  it('without --credentials: usage on stderr, exit 2', async () => {
    const r = await run(['fleet']);
    expect(r.code).toBe(2);
    expect(r.text).toContain('usage: baken-sim fleet');
  });

  it('refuses a credentials file others may read (it holds passwords), naming the fix', async () => {
    const r = await run(['fleet', '--credentials', credentials(0o644, valid)]);
    expect(r.code).toBe(2);
    expect(r.text).toContain('BAKEN_ERR_SIM_FLEET_CREDENTIALS');
    expect(r.text).toContain('chmod 600');
  });

  it('an invalid file names the field, never the password', async () => {
    const bad = { ...valid, homes: [{ gatewayId: 'NOT VALID', password: SECRET }] };
    const r = await run(['fleet', '--credentials', credentials(0o600, bad)]);
    expect(r.code).toBe(2);
    expect(r.text).toContain('/homes/0/gatewayId');
    expect(r.text).not.toContain(SECRET);
  });

  it('a bad option value is a usage error', async () => {
    const r = await run(['fleet', '--credentials', credentials(0o600, valid), '--storm', 'lots']);
    expect(r.code).toBe(2);
    expect(r.text).toContain('--storm takes VALUE@SECONDS');
  });
});

describe('baken-sim fleet against a broker', () => {
  it('runs until Ctrl-C, then every home publishes offline, the summary is printed, exit 0', async () => {
    const broker = new TestBroker();
    await broker.start();
    const sub = new TestSubscriber(true);
    await sub.connect(broker.url);
    const dir = mkdtempSync(join(tmpdir(), 'baken-fleet-run-'));
    try {
      const file = join(dir, 'fleet.json');
      const homes = [0, 1, 2].map((i) => ({ gatewayId: `gw-run-${i}`, password: SECRET }));
      writeFileSync(file, JSON.stringify({ v: 1, mqttUrl: broker.url, homes }), { mode: 0o600 });
      const signals = new EventEmitter();
      const lines: string[] = [];
      const running = main(['fleet', '--credentials', file, '--processes', '0'], {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
        stdin: Readable.from([]),
        signals,
        exit: () => undefined,
      });
      const availability = (state: string) =>
        sub.received('availability').filter((m) => m.payload['state'] === state && m.payload['at'] !== null);
      await until(() => availability('online').length === 3, 'three homes online');
      signals.emit('SIGINT');
      expect(await running).toBe(0);
      expect(availability('offline')).toHaveLength(3); // clean: published by each home, not a will
      const text = lines.join('\n');
      expect(text).toContain('fleet summary');
      expect(text).toMatch(/homes {7}3, /);
      expect(text).not.toContain(SECRET);
    } finally {
      await sub.close();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
