import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { sqliteHandle } from '../../store/sqlite-async.js';
import { type TestApp, testApp } from '../../testing/test-app.js';
import { PlatformUptime } from './platform-uptime.js';
import { SqlitePlatformRunStore } from './sqlite-health-stores.js';
import { SqliteIncidentStore } from './sqlite-incident-store.js';
import { STREAM_KEEPALIVE_MS } from './stream-routes.js';

/** MQTT and HTTP round trips are real: allow for a loaded CI machine. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 20 });

describe('GET /api/v1/stream (server-sent events)', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await testApp();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => t?.close());

  /** Reads the stream until `until` matches the text received so far. */
  async function readUntil(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    until: RegExp,
    seen = { text: '' },
  ) {
    const dec = new TextDecoder();
    while (!until.test(seen.text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${until}`);
      seen.text += dec.decode(value);
    }
    return seen.text;
  }

  it('streams domain events (not ingest internals), alarm and access-alert events only to their roles, and keep-alives on the clock', async () => {
    const tech = (await t.userWithToken('technician')).auth;
    const monitor = (await t.userWithToken('monitor')).auth;
    const open = async (auth: { authorization: string }) => {
      const ac = new AbortController();
      const r = await fetch(`${base}/api/v1/stream`, { headers: auth, signal: ac.signal });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/event-stream');
      const reader = r.body!.getReader();
      await readUntil(reader, /: connected/);
      return { reader, ac, seen: { text: '' } };
    };
    const carer = await t.userWithToken('care_worker');
    const m = await open(monitor);
    const te = await open(tech);
    const cw = await open(carer.auth);
    const bus = t.app.ingest.bus;
    const alarm = {
      alarmId: 'a1',
      homeId: null,
      gatewayId: 'gw-x',
      deviceId: 'p',
      kind: 'alarm' as const,
      state: 'new',
      assignedUserId: null,
      at: 1,
    };
    bus.emit('alarm.created', alarm);
    const upd = (alarmId: string, assignedUserId: string) =>
      bus.emit('alarm.updated', {
        ...alarm,
        alarmId,
        assignedUserId,
        state: 'assigned',
        action: 'assign',
        byUserId: null,
      });
    upd('theirs', 'someone-else');
    upd('mine', carer.id);
    bus.emit('access.alert', { alertId: 'al-1', kind: 'door_forced', state: 'open', at: 2 });
    bus.emit('warning.opened', { warningId: 7, gatewayId: 'gw-x', deviceId: 'p', kind: 'tamper', at: 2 });
    await readUntil(m.reader, /event: warning\.opened/, m.seen);
    expect(m.seen.text).toContain(`event: alarm.created\ndata: ${JSON.stringify(alarm)}\n\n`);
    expect(m.seen.text).toContain('event: access.alert');
    await readUntil(te.reader, /event: warning\.opened/, te.seen);
    expect(te.seen.text).not.toContain('alarm.');
    expect(te.seen.text).not.toContain('access.alert');
    await readUntil(cw.reader, /event: warning\.opened/, cw.seen);
    expect(cw.seen.text).toContain('"alarmId":"mine"');
    expect(cw.seen.text).not.toMatch(/alarm\.created|"alarmId":"theirs"|access\.alert/);

    t.clock.advance(STREAM_KEEPALIVE_MS);
    await readUntil(m.reader, /: keep-alive/, m.seen);
    const timers = t.clock.pending;
    for (const c of [m, te, cw]) c.ac.abort();
    // The stream's keep-alive timers are released when the clients go away.
    await poll(() => t.clock.pending).toBeLessThan(timers);
  });
});

describe('PlatformUptime', () => {
  it('records the gap between runs as platform downtime', async () => {
    const db = openDatabase(':memory:');
    const h = sqliteHandle(db);
    const incidents = new SqliteIncidentStore(h);
    const p = new PlatformUptime(new SqlitePlatformRunStore(h), incidents);
    expect(await p.start(1_000)).toBeUndefined();
    await p.alive(5_000);
    // A crash: no clean stop. The next start finds the gap since the last sign of life.
    const p2 = new PlatformUptime(new SqlitePlatformRunStore(h), incidents);
    const gap = await p2.start(65_000);
    expect(gap).toMatchObject({
      subjectKind: 'platform',
      startedAt: 5_000,
      endedAt: 65_000,
      downtimeMs: 60_000,
    });
    await p2.stop(70_000);
    const p3 = new PlatformUptime(new SqlitePlatformRunStore(h), incidents);
    expect((await p3.start(70_500))?.downtimeMs).toBe(500);
    db.close();
  });
});
