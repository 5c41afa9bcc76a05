import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import type { Extension } from '../extension.js';
import { createGateway, EXTENSION_STOP_MS } from '../gateway.js';
import { TestBroker, TestSubscriber, until } from '../testing/test-broker.js';
import { stopWithDeadline } from './shutdown.js';

const log = pino({ level: 'silent' });
const never = (): Promise<void> => new Promise<void>(() => undefined);
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('stopWithDeadline', () => {
  it('exits with 1 at the deadline when stop() hangs (a device that went away)', async () => {
    const clock = new MockClock();
    const exits: number[] = [];
    const outcome = stopWithDeadline(never, { clock, log, exit: (c) => exits.push(c), deadlineMs: 8_000 });
    clock.advance(7_999);
    await flush();
    expect(exits).toEqual([]);
    clock.advance(1);
    expect(await outcome).toBe('deadline');
    expect(exits).toEqual([1]);
  });

  it('after a clean stop, ends the process if a leftover handle keeps it alive', async () => {
    const clock = new MockClock();
    const exits: number[] = [];
    const outcome = await stopWithDeadline(async () => undefined, {
      clock,
      log,
      exit: (c) => exits.push(c),
      lingerMs: 1_000,
    });
    expect(outcome).toBe('stopped');
    expect(exits).toEqual([]);
    clock.advance(1_000);
    expect(exits).toEqual([0]);
  });
});

describe('Gateway.stop with an extension that never stops', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('still publishes offline and closes the outbox, bounded per extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baken-stop-'));
    dirs.push(dir);
    const clock = new MockClock();
    const broker = new TestBroker();
    await broker.start();
    const sub = new TestSubscriber(true);
    await sub.connect(broker.url);
    const hung: Extension = { name: 'hung-bridge', start: async () => undefined, stop: never };
    const gw = createGateway({
      config: parseConfig({ dataDir: dir, mqtt: { primaryUrl: broker.url }, devices: [] }),
      credentials: {
        gatewayId: 'gw-stop-1',
        server: 'http://x',
        mqtt: { username: 'u', password: 'p' },
        provisionedAt: 0,
      },
      clock,
      logger: log,
      softwareVersion: '0.1.0-test',
      extensions: [() => hung],
    });
    try {
      await gw.start();
      await until(() => gw.uplink.connected, 'connected');
      let stopped = false;
      const stopping = gw.stop().then(() => {
        stopped = true;
      });
      await flush();
      expect(stopped).toBe(false);
      clock.advance(EXTENSION_STOP_MS);
      await until(() => stopped, 'stopped after the extension deadline');
      await stopping;
      expect(gw.outbox.closed).toBe(true);
      await until(
        () => sub.received('availability').some((m) => (m.payload as { state?: string }).state === 'offline'),
        'offline published',
      );
    } finally {
      await sub.close();
      await broker.stop();
    }
  });
});
