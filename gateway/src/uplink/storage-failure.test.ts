import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockClock } from '@baken/hardware/clock/mock-clock';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../outbox/outbox.js';
import { FaultySqlite } from '../testing/faulty-sqlite.js';
import { TestBroker, TestSubscriber, until } from '../testing/test-broker.js';
import { OutboxSender } from './outbox-sender.js';
import { Uplink } from './uplink.js';

const GW = 'gw-disk-1';
const eid = (name: string): string => `evt-${name}-000000`;
const log = pino({ level: 'silent' });

describe('alarms on a failing disk reach the server directly', () => {
  let dir: string;
  let clock: MockClock;
  let sqlite: FaultySqlite;
  let outbox: Outbox | undefined;
  let uplink: Uplink | undefined;
  let sender: OutboxSender | undefined;
  let broker: TestBroker;
  let sub: TestSubscriber;

  const start = async (): Promise<Outbox> => {
    const o = Outbox.open(join(dir, 'outbox.db'), clock, { reserveBytes: 0, retryMs: 2_000 }, sqlite.open);
    outbox = o;
    uplink = new Uplink(
      {
        gatewayId: GW,
        primaryUrl: broker.url,
        failoverAfterMs: 10_000,
        probeIntervalMs: 5_000,
        backoff: { initialMs: 1_000, maxMs: 2_000 },
        keepaliveS: 30,
        connectTimeoutMs: 5_000,
        random: () => 0.5,
      },
      clock,
      log,
    );
    sender = new OutboxSender(o, uplink, clock, log, { windowSize: 100, ackTimeoutMs: 30_000 });
    sender.start();
    const connected = once(uplink, 'connected');
    uplink.start();
    await connected;
    return o;
  };
  const alarm = (o: Outbox, id: string): void => {
    o.insert({ id, topic: 'events', payload: JSON.stringify({ v: 1, id }), alarm: true, release: 'app-ack' });
  };
  const ids = (): unknown[] => sub.received('events').map((m) => m.payload['id']);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baken-disk-'));
    clock = new MockClock();
    sqlite = new FaultySqlite();
    broker = new TestBroker();
    await broker.start(0);
    sub = new TestSubscriber(true);
    await sub.connect(broker.url);
  });
  afterEach(async () => {
    sender?.stop();
    await uplink?.stop();
    outbox?.close();
    await sub.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('disk full: every alarm is published and acknowledged from memory; nothing is lost after recovery', async () => {
    const o = await start();
    sqlite.writes = 'SQLITE_FULL';
    for (let i = 0; i < 5; i++) alarm(o, eid(`full${i}`));
    await until(() => o.depth() === 0, 'acked from memory');
    expect(ids()).toEqual([0, 1, 2, 3, 4].map((i) => eid(`full${i}`)));
    // the disk comes back with nothing left in memory: a non-alarm entry written to disk now must
    // still be read by the sender (its cursor stands at the seqs handed out in memory)
    sqlite.writes = null;
    clock.advance(2_000);
    expect(o.storage().state).toBe('ok');
    const id = eid('status');
    o.insert({
      id,
      topic: 'events',
      payload: JSON.stringify({ v: 1, id }),
      alarm: false,
      release: 'app-ack',
    });
    await until(() => o.depth() === 0, 'non-alarm entry after recovery delivered');
    // full again: an alarm held in memory and moved to disk on recovery is delivered too
    sqlite.writes = 'SQLITE_FULL';
    alarm(o, eid('during'));
    sqlite.writes = null;
    clock.advance(2_000);
    await until(() => o.depth() === 0, 'acked after recovery');
    expect(ids()).toContain(eid('during'));
  });

  it('read-only start: alarms flow from the first one, and the disk is used once writable', async () => {
    sqlite.opens = 'SQLITE_READONLY';
    const o = await start();
    expect(o.storage().state).toBe('read-only');
    alarm(o, eid('ro1'));
    await until(() => ids().includes(eid('ro1')), 'sent while read-only');
    sqlite.opens = null;
    clock.advance(2_000);
    expect(o.storage().state).toBe('ok');
    alarm(o, eid('rw1'));
    await until(() => ids().includes(eid('rw1')) && o.depth() === 0, 'sent from disk');
  });
});
