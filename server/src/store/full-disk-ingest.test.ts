import { allGatewaysFilter, type EventEnvelope, type TopicName, topicFor } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BakenApp } from '../app-context.js';
import type { BrokerClient, UplinkHandler } from '../broker/cluster/broker-client.js';
import type { ManualClock } from '../clock.js';
import { seedHome } from '../testing/seed-home.js';
import type { Db } from './database.js';
import { STORAGE_CLEAR_AFTER_MS } from './storage-health.js';
import { type AppOnDisk, appOnDisk, fillDisk, type LoggedLine } from './testing/full-disk.js';

// MQTT ingest of the whole app on a real SQLite database file whose disk fills up
// (`max_page_count`). The broker client is the library boundary: a stand-in that delivers what a
// gateway publishes and records the server's acks.

const GW = 'gw-disk-0001';
let onDisk: AppOnDisk;
let db: Db;
let app: BakenApp;
let clock: ManualClock;
let handlers: Map<string, UplinkHandler>;
let acked: string[];
let logged: LoggedLine[];

beforeEach(async () => {
  handlers = new Map();
  acked = [];
  const mqtt: BrokerClient = {
    connected: true,
    subscribe: async (filter, fn) => void handlers.set(filter, fn),
    publish: async (topic, payload) => {
      if (topic === topicFor('ack', GW))
        acked.push(...(JSON.parse(String(payload)) as { ids: string[] }).ids);
    },
    close: async () => undefined,
  };
  onDisk = await appOnDisk({ mqtt });
  ({ app, db, clock, logged } = onDisk);
  await seedHome(app.baken.repos, GW, clock.now());
});
afterEach(() => onDisk.close());

const event = (id: string): EventEnvelope =>
  ({
    v: 1,
    id,
    gatewayId: GW,
    deviceId: 'pendant-1',
    deviceKind: 'pendant',
    kind: 'test',
    priority: 'normal',
    deviceTime: null,
    receivedAt: clock.now(),
    data: { note: 'n'.repeat(400) },
  }) as EventEnvelope;
const publish = (name: TopicName, body: unknown) =>
  handlers.get(allGatewaysFilter(name))!(topicFor(name, GW), Buffer.from(JSON.stringify(body)));
/** Lets the pending ingest turn (deferred to the next event-loop turn) run and commit or fail. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
/** One gateway burst: the events of one ingest turn. */
async function burst(ids: readonly string[]): Promise<void> {
  for (const id of ids) publish('events', event(id));
  await settle();
}
const stored = (ids: readonly string[]) =>
  (
    db
      .prepare(
        `SELECT id, COUNT(*) AS n FROM events WHERE id IN (${ids.map(() => '?').join(',')}) GROUP BY id`,
      )
      .all(...ids) as Array<{ id: string; n: number }>
  ).map((r) => `${r.id}×${r.n}`);
const ids = (turn: number) =>
  Array.from({ length: 10 }, (_, i) => `evt-${String(turn).padStart(4, '0')}-${String(i).padStart(4, '0')}`);

describe('ingest on a full disk', () => {
  it('acks nothing whose turn did not commit, raises it, and stores the resent events once when space is back', async () => {
    const disk = fillDisk(db);
    // the pages the disk still has take a few turns; then a turn cannot commit
    let failed: string[] = [];
    for (let turn = 0; turn < 200 && failed.length === 0; turn++) {
      const batch = ids(turn);
      await burst(batch);
      if (!batch.every((id) => acked.includes(id))) failed = batch;
    }
    expect(failed).not.toEqual([]);
    // not one event of the failed turn acked, not one stored: the gateway keeps them all
    expect(acked.filter((id) => failed.includes(id))).toEqual([]);
    expect(stored(failed)).toEqual([]);

    // raised: one error line with the code and what to do, /readyz 503 with the reason
    const trouble = app.baken.storageHealth.trouble;
    expect(trouble).toMatchObject({ reason: 'full', code: 'BAKEN_ERR_STORAGE_FULL' });
    const errors = logged.filter((l) => l.level >= 50 && l.code === 'BAKEN_ERR_STORAGE_FULL');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/Free space/);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'not_ready',
      db: { ok: true },
      broker: { ok: true },
      storage: {
        ok: false,
        detail: expect.stringMatching(/^BAKEN_ERR_STORAGE_FULL: the server's disk is full/),
      },
    });

    // the gateway resends while the disk is still full: still not acked, still raised
    clock.advance(STORAGE_CLEAR_AFTER_MS);
    await burst(failed);
    expect(acked.filter((id) => failed.includes(id))).toEqual([]);
    expect(app.baken.storageHealth.trouble?.refused).toBeGreaterThanOrEqual(2);

    // space comes back; the gateway resends (with one event it had already had acked)
    disk.free();
    clock.advance(STORAGE_CLEAR_AFTER_MS);
    const resent = [...failed, 'evt-0000-0000'];
    await burst(resent);
    expect(failed.every((id) => acked.includes(id))).toBe(true);
    expect(stored(resent).sort()).toEqual(resent.map((id) => `${id}×1`).sort());
    // and once more (an ack lost on the way): still stored once
    await burst(failed);
    expect(stored(failed)).toEqual(failed.map((id) => `${id}×1`).sort());

    expect(app.baken.storageHealth.trouble).toBeNull();
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({
      status: 'ready',
      storage: { ok: true },
    });
    expect(logged.some((l) => l.level === 40 && /takes writes again/.test(l.msg))).toBe(true);
  });
});
