import { RIG_SERIAL } from '@baken/device-sim/keysafe/ks-test-rig';
import type { EventEnvelope } from '@baken/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccessRig, accessRig } from './support/access-rig.js';

/**
 * The access log credits each visit to the code that was typed [KS-SERIAL §7.1]: the key safe names
 * the issued code (the SET_CODE's counter, or the window code's window), the server credits that
 * release and no other, whether the use arrives live or only later in the key safe's audit.
 */
let r: AccessRig;
beforeEach(async () => {
  r = await accessRig();
  await r.provision();
});
afterEach(() => r.close());

interface LogEntry {
  releasedAt: number;
  enteredAt: number | null;
  who: string;
}
const accessLog = async (): Promise<{ entries: LogEntry[]; openingsWithoutRelease: unknown[] }> =>
  (await r.t.app.inject({ url: `/api/v1/homes/${r.homeId}/access-log`, headers: r.admin.auth })).json();
const releaseOf = (id: unknown) =>
  r.t.app.baken.db
    .prepare('SELECT user_id AS userId, slot, opened_at AS openedAt FROM access_releases WHERE id = ?')
    .get(id) as { userId: string; slot: number; openedAt: number | null };
const openAlerts = async (): Promise<Array<{ kind: string }>> =>
  (await r.t.app.inject({ url: '/api/v1/access/alerts?open=true', headers: r.admin.auth })).json().alerts;

describe('attribution of key-safe openings by the issued code the key safe names', () => {
  it('one holder, code A used, then code B asked for in the same slot: only A is entered, once, at its own time', async () => {
    const w = await r.worker({ team: 'a' });
    const a = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(a.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
    await r.advance(60_000);
    expect(r.ks.safe.enterCode(a.body['code'] as string)).toBe('accepted');
    const usedAt = r.t.clock.now();
    await r.flushEvents();
    await r.advance(60_000);
    const b = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(b.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
    // the same PIN slot, freed by A's one-time use, now holds B for the same holder
    expect(releaseOf(b.body['releaseId']).slot).toBe(releaseOf(a.body['releaseId']).slot);
    // later the key safe's own audit arrives, A's use in it
    await r.sendAudit();

    expect(releaseOf(a.body['releaseId']).openedAt).toBe(usedAt);
    expect(releaseOf(b.body['releaseId']).openedAt).toBeNull();
    const log = await accessLog();
    const entered = log.entries.filter((e) => e.enteredAt !== null);
    expect(entered).toHaveLength(1);
    for (const e of log.entries)
      if (e.enteredAt !== null) expect(e.enteredAt).toBeGreaterThanOrEqual(e.releasedAt);
    expect(log.openingsWithoutRelease).toEqual([]);
    expect((await openAlerts()).filter((x) => x.kind === 'opening_without_release')).toEqual([]);

    // B used afterwards: now B is entered too, each visit once
    await r.advance(60_000);
    expect(r.ks.safe.enterCode(b.body['code'] as string)).toBe('accepted');
    await r.flushEvents();
    await r.sendAudit();
    expect(releaseOf(b.body['releaseId']).openedAt).toBe(r.t.clock.now());
    expect((await accessLog()).entries.filter((e) => e.enteredAt !== null)).toHaveLength(2);
  });

  it('the use reaches the server only in the audit read back after the next code was issued: still A', async () => {
    const w = await r.worker({ team: 'a' });
    const a = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(r.ks.safe.enterCode(a.body['code'] as string)).toBe('accepted');
    const usedAt = r.t.clock.now();
    // the live event is lost (home unit restarting); the key safe's audit keeps the use
    expect(await r.dropEvents()).toBe(1);
    await r.advance(30_000);
    const b = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(b.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
    await r.sendAudit();
    expect(releaseOf(a.body['releaseId']).openedAt).toBe(Math.floor(usedAt / 1000) * 1000);
    expect(releaseOf(b.body['releaseId']).openedAt).toBeNull();
  });

  it('the response report counts the opening for the alarm whose code was typed, not the next one', async () => {
    const w = await r.worker({ team: 'a' });
    const first = r.raiseAlarm('a');
    const a = await r.request(w.auth, { homeId: r.homeId, situation: 'alarm', alarmId: first });
    await r.advance(5 * 60_000);
    expect(r.ks.safe.enterCode(a.body['code'] as string)).toBe('accepted');
    await r.flushEvents();
    await r.advance(60_000);
    const second = r.raiseAlarm('a');
    const b = await r.request(w.auth, { homeId: r.homeId, situation: 'alarm', alarmId: second });
    expect(b.body).toMatchObject({ mode: 'online_pin', delivery: 'ok' });
    await r.sendAudit();
    const rep = await r.t.app.inject({
      url: '/api/v1/reports/response?format=json&period=day',
      headers: r.admin.auth,
    });
    expect(rep.json().rows).toEqual([
      expect.objectContaining({ alarms: 2, notOpened: 1, withinTarget: 1, medianAlarmToOpenMs: 5 * 60_000 }),
    ]);
  });

  it('two holders in one slot (the offline-code key): the window code typed credits its own holder', async () => {
    await r.setOnline(false);
    const x = await r.worker({ team: 'a' });
    const y = await r.worker({ team: 'a' });
    const cx = await r.request(x.auth, { homeId: r.homeId, situation: 'planned_care' });
    const cy = await r.request(y.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect([cx.body['mode'], cy.body['mode']]).toEqual(['offline_window', 'offline_window']);
    expect(r.ks.safe.enterCode(cx.body['code'] as string)).toBe('accepted');
    await r.flushEvents();
    await r.sendAudit();
    expect(releaseOf(cx.body['releaseId'])).toMatchObject({ userId: x.id, openedAt: r.t.clock.now() });
    expect(releaseOf(cy.body['releaseId']).openedAt).toBeNull();

    await r.advance(30_000);
    expect(r.ks.safe.enterCode(cy.body['code'] as string)).toBe('accepted');
    await r.sendAudit();
    expect(releaseOf(cy.body['releaseId'])).toMatchObject({ userId: y.id });
    expect(releaseOf(cy.body['releaseId']).openedAt).not.toBeNull();
    expect((await accessLog()).entries.filter((e) => e.enteredAt !== null)).toHaveLength(2);
    expect((await openAlerts()).filter((a) => a.kind === 'opening_without_release')).toEqual([]);
  });

  it('an offline window code: the earlier of two outstanding codes is credited when it is the one typed', async () => {
    await r.setOnline(false);
    const w = await r.worker({ team: 'a' });
    const first = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    await r.advance(2 * 60_000);
    const second = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    expect(second.body['code']).not.toBe(first.body['code']);
    expect(r.ks.safe.enterCode(first.body['code'] as string)).toBe('accepted');
    await r.flushEvents();
    await r.sendAudit();
    expect(releaseOf(first.body['releaseId']).openedAt).toBe(r.t.clock.now());
    expect(releaseOf(second.body['releaseId']).openedAt).toBeNull();
    const entered = (await accessLog()).entries.filter((e) => e.enteredAt !== null);
    expect(entered).toHaveLength(1);
  });

  it('a KS-SERIAL 1.0 use (slot and holder, no issue) is recorded but never credited by time', async () => {
    const w = await r.worker({ team: 'a' });
    const a = await r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    const rel = releaseOf(a.body['releaseId']);
    const holderId = r.t.app.baken.db
      .prepare('SELECT holder_id AS h FROM access_releases WHERE id = ?')
      .get(a.body['releaseId']) as { h: number };
    const now = r.t.clock.now();
    // what a 1.0 key safe's home unit sends: the slot and holder of the outstanding code, seconds later
    await r.t.app.access.deviceEvents.handle({
      v: 1,
      gatewayId: 'home-0042',
      id: 'ks-KS-SIM-0001-e900',
      deviceId: RIG_SERIAL,
      deviceKind: 'keysafe',
      kind: 'code_accepted',
      priority: 'normal',
      deviceTime: now,
      receivedAt: now,
      seq: 900,
      data: { slot: rel.slot, holderId: String(holderId.h), codeKind: 'static' },
    } as EventEnvelope);
    expect(releaseOf(a.body['releaseId']).openedAt).toBeNull();
    const e = r.t.app.baken.db
      .prepare("SELECT details FROM audit_log WHERE action = 'keysafe.code_accepted'")
      .get() as { details: string };
    expect(JSON.parse(e.details)).toMatchObject({ attributed: false });
  });

  it('a code the server never issued (a voided PIN that landed late) is an opening without a release', async () => {
    const w = await r.worker({ team: 'a' });
    r.pinAnswer = 'silent';
    const pending = r.request(w.auth, { homeId: r.homeId, situation: 'planned_care' });
    for (let i = 0; i < 1000 && r.outbox.length < 1; i++) await new Promise((res) => setImmediate(res));
    await r.advance(5_000);
    // no confirmation in time: the worker got an offline code instead
    expect((await pending).body['mode']).toBe('offline_window');
    // the held PIN frame lands after all, before the REVOKE of its slot
    expect(await r.relay(r.outbox.shift()!)).toBe(0);
    const pin = r.ks.safe.nv.slots.find((s) => s.codeKind === 1)!;
    expect(r.ks.safe.enterCode(Buffer.from(pin.material, 'hex').toString('latin1'))).toBe('accepted');
    await r.flushEvents();
    await r.sendAudit();
    expect((await accessLog()).entries.filter((e) => e.enteredAt !== null)).toEqual([]);
    expect((await openAlerts()).map((a) => a.kind)).toContain('opening_without_release');
  });
});
