// The sender's share of the home unit's memory in a burst (docs/scaling.md, gateway section).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from '../outbox/outbox.js';
import { TestBroker, TestSubscriber, until } from '../testing/test-broker.js';
import { OutboxSender } from './outbox-sender.js';
import { Uplink } from './uplink.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const log = pino({ level: 'silent' });
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

it('keeps no entry (payload) of the window once it is PUBACKed, only its id until the app ack', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baken-sender-mem-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new MockClock();
  const outbox = Outbox.open(join(dir, 'outbox.db'), clock, { reserveBytes: 0 });
  cleanup.push(() => outbox.close());
  const broker = new TestBroker();
  await broker.start();
  cleanup.push(() => broker.stop());
  const sub = new TestSubscriber(false); // the server never app-acks: the window stays full
  await sub.connect(broker.url);
  cleanup.push(() => sub.close());

  // every entry the sender reads from the outbox, weakly
  const read: WeakRef<OutboxEntry>[] = [];
  const pendingAfter = outbox.pendingAfter.bind(outbox);
  outbox.pendingAfter = (after, limit) => {
    const entries = pendingAfter(after, limit);
    for (const e of entries) read.push(new WeakRef(e));
    return entries;
  };
  const uplink = new Uplink(
    {
      gatewayId: 'gw-footprint-1',
      primaryUrl: broker.url,
      failoverAfterMs: 10_000,
      probeIntervalMs: 5_000,
      backoff: { initialMs: 1_000, maxMs: 2_000 },
      keepaliveS: 30,
      connectTimeoutMs: 5_000,
    },
    clock,
    log,
  );
  const sender = new OutboxSender(outbox, uplink, clock, log, { windowSize: 100, ackTimeoutMs: 60_000 });
  sender.start();
  cleanup.push(() => uplink.stop());
  cleanup.push(() => sender.stop());
  const connected = once(uplink, 'connected');
  uplink.start();
  await connected;

  for (let i = 0; i < 20; i++) {
    const id = `evt-footprint-${String(i).padStart(4, '0')}`;
    outbox.insert({
      id,
      topic: 'events',
      payload: JSON.stringify({ v: 1, id }),
      alarm: false,
      release: 'app-ack',
    });
  }
  await until(() => sub.received('events').length === 20, 'all 20 published');
  expect(sender.stats().inFlight).toBe(20);
  expect(read.length).toBe(20);
  await until(
    () => {
      gc();
      return read.every((r) => r.deref() === undefined);
    },
    'the published entries collected',
    AbortSignal.timeout(5_000),
  );
  expect(outbox.depth()).toBe(20); // still held for the app ack, on disk
});
